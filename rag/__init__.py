"""The read path: questions -> retrieved passages -> answers with citations."""
