"""The web service: one blueprint per area (pages, auth, feeds, dashboard, settings, health).

Views stay thin: parse the request, call one service function (`service`, `accounts`,
`feedcache`, `present`), build the response. Domain errors become HTTP statuses in `errors`.
"""
