"""Stage one: a shipment plus reference data in, signals with their evidence out.

Nothing here knows about HTTP or about the classifier; `model` and `service` build on it.
Its own stages, imports going down: `signals`, `facts` and `resolve` (which party a shipment's
party is) at the top; `snapshot/` (the list snapshot's files, built and read, and its link
graph); `matching/` (name keys, transliteration, similarity, the bounds and their C); `lists/`
(one reader per list format). `bulk`, `hashing` and `stringtable` serve all of them.
"""
