"""The evidence behind a metric value: example items with their landed pages and endpoints, and
the SQL query that reproduces the value's sample against the warehouse."""
