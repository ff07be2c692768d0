"""Files brought into the window from outside: a video dropped onto it."""
