"""The Boost board: which diaries need whom now, the actions logged on them, live
updates and marks, the Atom feed of the list, and their views."""
