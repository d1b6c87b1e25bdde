"""Who may do what: the roles of admin tokens and the actor a call is made by."""
