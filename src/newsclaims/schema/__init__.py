"""schema/ as Python: the JSON Schema files (files.py), the Hugging Face features derived from them
(features.py) and the one registry of configs, splits and shard names (configs.py). Imports nothing of ours.
"""
