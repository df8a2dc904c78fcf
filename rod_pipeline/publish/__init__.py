"""Publishing: stage (write), audit and commit to the history, switch published/ to a snapshot.

stage.py -> commit.py -> snapshot.py, driven by publication.py; the datasets are declared once
in datasets.py (models in schemas.py); history.py holds the warehouse tables they are kept in.
"""
