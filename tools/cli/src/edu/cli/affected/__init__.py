"""``edu affected``: which members, test folders and layers a change set needs to run.

changed files -> owning workspace members (and contract/proto/migration rules) -> the reverse
dependency closure over declared dependencies and real imports -> the test folders of every
registered layer that the change can break. See ADR 0010.
"""
