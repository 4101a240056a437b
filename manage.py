#!/usr/bin/env python
"""Django's command line; installed as `huanxin` too."""

from huanxin.__main__ import main

if __name__ == "__main__":
    main()
