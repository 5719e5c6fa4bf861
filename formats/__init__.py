"""Every file format of the tracker: plan files, meeting files, KPI definition files and KPI
value spreadsheets, read with one shared reader (`formats.reader`) and one problem type.

This app sits on top of the others and may import any of them; none of them imports it
(the project URLconf alone includes its pages).
"""
