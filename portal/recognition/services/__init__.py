"""Recognition's writes, one module a use case: nominating, deciding, integrity flags, the award
catalogue and privacy; `state` holds the one function that moves a nomination."""
