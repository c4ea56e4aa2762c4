"""The importer of OGP commitment pages (text, HTML, legacy layouts), CSV exports and canonical JSON.

    sources.py        files, folders, .zip archives (with safety limits), index.jsonl metadata
    html.py           HTML -> the text of the page (BeautifulSoup + lxml)
    labels.py         the page words of data/page_labels.json, indexed
    pagetext.py       page text -> its parts (layout only)
    values.py         raw values -> vocabulary keys, institution lists, dates, plan ids
    facts.py          one page -> PageFacts (canonical values of one snapshot, one language)
    legacy.py         OGP's older layouts without ids: read, then identify
    csvfile.py        CSV rows -> PageFacts
    merge.py          snapshots -> bilingual records (the progression rule), plans, members, editorial overlay
    milestones_irm.py IRM sentences -> the milestones they talk about
    pipeline.py       run_import (the API of the import command, /import and /refresh) and ImportReport
    summary.py        the report as text, in the reader's language
    command.py        `python -m bot import`
    bundle.py         `make data`: data/sources + data/editorial -> data/dataset.json
"""
