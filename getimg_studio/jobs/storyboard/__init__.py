"""Storyboards: several shots, chained by their frames, generated in order (no Qt, no I/O at import).

`model` holds the values, `edits` the pure operations on them, `resolve` turns a shot into the request the
engine sends, `checks` finds what would go wrong before anything is sent, `cost` prices a run, `slots` and
`plan` decide what a run sends next, `codec`/`fileformat` read and write the shareable JSON file, and
`tables` keeps storyboards and their takes in the history database.
"""
