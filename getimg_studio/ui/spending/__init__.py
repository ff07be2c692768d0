"""The Spending view: where the money went, per day/week/month, model and kind, beside getimg's own bill.

`view.SpendingView` lays out, `controller.SpendingController` decides, `services.SpendingServices` is all the
controller gets from the rest of the app. The chart (QtCharts) is imported only when the view is first shown.
Nothing is imported here, so importing the package costs nothing at start-up.
"""
