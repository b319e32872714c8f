"""Reading a calendar as its owner would: which events are the user's job interviews, with
which company, role and stated timeline (rules D, E)."""
