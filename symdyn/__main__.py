"""``python -m symdyn ...`` runs the ``symdyn`` command line."""

if __name__ == "__main__":
    from .cli import main

    main()
