"""Marketing's side of the split brain (seed 001, DESIGN.md "Marketing's side"): the pool
of Names apart from sales (`names`), and the moves between the two pools that
`workstation recycle` makes (`moves`, `promotion`, `demotion`, `recycle`).
"""
