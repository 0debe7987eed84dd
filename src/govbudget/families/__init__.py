"""The disclosure families shipped, one module each (``final`` 部门决算, ``budget`` 部门预算).

Each module defines ``spec() -> govbudget.spec.FamilySpec``; :func:`govbudget.spec.family`
finds it by module name and builds it once.  Adding a family is adding a module here.
"""
