"""Adapters to the outside: Google (OAuth, the Calendar API) and safe fetching of user-given
addresses. They speak the network; the core never imports them."""
