"""Engines that map a picklable function over batches: local worker processes (local.py) and Ray (ray.py).
They know nothing of the corpus: imports only from errors.
"""
