"""Outputs made from a patient's data: exercise pictures, charts, exports."""
