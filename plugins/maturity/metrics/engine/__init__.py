"""The computation engine the metric families share: typed record frames, the prepared window,
scopes and per-scope values, quantiles, ordering, local time, naming and the sample sets."""
