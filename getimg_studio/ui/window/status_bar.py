"""The window's status bar: which server the jobs go to, the balance, and what this session has spent."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from getimg_studio.api.types import format_money


class StudioStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Status bar")
        self.mode_label = QLabel("")
        self.mode_label.setAccessibleName("Mode")
        self.balance_label = QLabel("Balance: …")
        self.balance_label.setAccessibleName("Balance")
        self.spent_label = QLabel("")
        self.spent_label.setAccessibleName("Spent this session")
        for label in (self.mode_label, self.balance_label, self.spent_label):
            label.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(label)
        self.set_spent(Decimal(0))

    def set_mode(self, demo: bool, host: str) -> None:
        if demo:
            self.mode_label.setText("Demo (built-in simulator)")
            self.mode_label.setToolTip(f"Videos are made on this computer by {host}; nothing is billed.")
        else:
            self.mode_label.setText(f"Live: {host}")
            self.mode_label.setToolTip(f"Generations are sent to {host} and billed to your account.")

    def set_balance(self, amount: Decimal | None, currency: str = "USD", *, demo: bool = False) -> None:
        if amount is None:
            self.balance_label.setText("Balance: unknown")
            self.balance_label.setToolTip("The balance could not be read (offline, or no valid API key).")
            return
        suffix = " (demo credit)" if demo else ""
        self.balance_label.setText(f"Balance: {format_money(amount, currency)}{suffix}")
        self.balance_label.setToolTip("From /v2/billing/balance, refreshed after each finished video.")

    def set_spent(self, amount: Decimal, currency: str = "USD") -> None:
        self.spent_label.setText(f"Spent this session: {format_money(amount, currency)}")
