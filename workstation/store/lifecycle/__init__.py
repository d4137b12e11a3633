"""The lifecycle after conversion: opportunities that move and close, the customers and
references they make, and the contact roles on them (DESIGN.md "Records", seed 001)."""
