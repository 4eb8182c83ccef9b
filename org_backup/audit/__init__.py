"""`audit`: the live state of every covered account, read through its deploy role.

`targets` decides whom and where to look (pure), `collect` makes the AWS calls (the only module
here that imports boto3's clients), `checks` turns plan + observations into report rows (pure),
`run` wires them together for the command.
"""
