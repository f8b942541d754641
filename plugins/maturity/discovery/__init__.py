"""Discovery of an organisation's official accounts from its website, each with its proof.

``maturity discover ORG --website URL`` reads the website (``website``), turns the profile
links on it into candidate accounts (``profile_urls``), looks each candidate up on its platform
(``lookups``), collects the proofs that tie it to the organisation (``proofs``), guesses the
account's function (``classify``) and proposes registry entries (``proposal``). ``discover``
puts these together. Nothing here is imported by the data path.
"""
