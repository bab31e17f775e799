"""Releasing a built data/ folder: the Hugging Face Hub upload (one commit + a version tag, through
huggingface_hub), the checks that must pass before it (fresh build, verify, new version, clean tree), and
the citation files. Imports from: errors, problems, project, schema, dataset.
"""
