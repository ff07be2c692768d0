"""The generation form: a view that lays out the fields and frame slots, and the controller that runs it."""
