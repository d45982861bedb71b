"""Plans: the delivery plan a summit is held to consult on, and what becomes of it.

A partnership's plan (priorities, evidence, key actions with lead agencies from the
directory and measures of success) is drafted by organisers, published for consultation
(version 1), answered by the delegates of the linked events, partner staff and, when
opened, the public, discussed at the summit's workshops (facilitators record table
points), analysed, answered ("you said, we did"), adopted as a later version with a
public response report, and then kept as a public register of the actions agreed:
status, updates from the lead agencies, measure readings and annual reviews.

Layers: plans sits above programmes (convenor <- directory <- events <- programmes <-
plans); nothing below imports it.
"""
