"""The pure core: source events -> interviews -> follow-ups -> drafts -> feed bytes.

No I/O, no clock, no Flask, Google or database: every input, `now` included, is an argument.
"""
