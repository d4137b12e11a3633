"""Word pools for the demo data set: names, titles, companies, places, phone ranges, call notes.

Plain lists, so building a million leads costs a few list lookups per field and no library
calls (Faker and phonenumbers per row would be far too slow). Phone numbers are drawn from
real area codes and from subscriber ranges that phonenumbers accepts as valid for the region,
so the time zone a number implies agrees with the record's `time_zone`.

Tables are written as text, one row per line and fields split by "|", to keep them readable.
"""

from __future__ import annotations

import json


def _words(text: str) -> list[str]:
    return text.split()


def text_rows(text: str) -> list[list[str]]:
    return [line.split("|") for line in text.strip().splitlines()]


def text_items(text: str) -> list[str]:
    """The "|"-separated items of every line, in order."""
    return [item for row in text_rows(text) for item in row]


def _groups(text: str) -> dict[str, tuple[str, ...]]:
    """Lines under a "[name]" line, per name."""
    groups: dict[str, list[str]] = {}
    for line in text.strip().splitlines():
        if line.startswith("["):
            current = groups.setdefault(line.strip("[]"), [])
        else:
            current.append(line)
    return {name: tuple(lines) for name, lines in groups.items()}


FIRST_NAMES = _words("""
James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard
Susan Joseph Jessica Thomas Sarah Christopher Karen Daniel Lisa Matthew Nancy Anthony Sandra
Mark Ashley Steven Emily Andrew Michelle Joshua Amanda Kevin Melissa Brian Rebecca George
Laura Timothy Stephanie Jason Carolyn Ryan Amy Jacob Angela Nicholas Olivia Eric Hannah
Jonathan Rachel Justin Megan Brandon Lauren Samuel Grace Gregory Chloe Alexander Zoe Patrick
Natalie Raymond Maya Jack Sofia Dennis Aisha Tyler Priya Aaron Mei Jose Ana Adam Fatima Nathan
Yuki Henry Ines Zachary Chen Kyle Lucia Noah Amara Ethan Leila Liam Nadia Lucas Rosa Oliver
Ava Connor Isla Declan Siobhan Rahul Ananya Omar Sana Wei Min Diego Camila Mateo Valentina
Kwame Ama Tariq Yasmin Hiroshi Sakura Arjun Deepa Luca Giulia Sean Niamh Malik Imani
""")

LAST_NAMES = _words("""
Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris
Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill
Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Patel Shah Kim
Chen Wang Singh Kumar Tanaka Sato Okafor Mensah Cohen Murphy Kelly O'Brien Walsh Byrne Fraser
MacDonald Stewart Evans Hughes Edwards Morgan Price Bennett Wood Cooper Ward Cox Howard Brooks
Gray James Reyes Cruz Ortiz Morales Kowalski Novak Horvat Rossi Bianchi Costa Silva Santos
Ferreira Dubois Laurent Moreau Jensen Larsen Nielsen Andersson Lindqvist Kaur Ali Khan Hussain
Ahmed Rahman Tran Pham Le Park Choi Yamamoto Ito Abbott Fitzgerald Hayes Palmer Sinclair
Whitaker Donovan Gallagher Holloway Prescott Ramsey Sullivan Vasquez Wallace Beaumont
""")

DE_FIRST_NAMES = _words("""
Lukas Leon Finn Jonas Paul Felix Maximilian Elias Ben Noah Tim Jan Florian Tobias Sebastian
Stefan Andreas Markus Anna Lena Lea Hannah Laura Julia Sarah Lisa Katharina Sophie Marie
Johanna Clara Miriam Sabine Petra Claudia Jana Franziska Emre Elif Mehmet
""")

DE_LAST_NAMES = _words("""
Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer
Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange
Schmitt Werner Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König Walter Mayer
Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Vogel Yilmaz
""")

# title | how senior (adds to the lead score)
TITLES = [
    (title, int(seniority))
    for title, seniority in text_rows("""
CEO|30
COO|28
CFO|26
CTO|26
Founder|30
Owner|28
VP of Sales|25
VP Operations|22
VP Marketing|22
VP Customer Success|20
Head of Inside Sales|22
Director of Sales|20
Sales Director|20
Director of IT|18
IT Director|18
Marketing Director|16
Director of Revenue Operations|20
Head of Procurement|18
Sales Manager|14
Inside Sales Manager|14
Sales Operations Manager|14
IT Manager|12
Marketing Manager|10
Office Manager|8
Customer Service Manager|10
Contact Center Manager|14
Procurement Manager|10
Account Executive|6
Business Development Rep|4
Sales Development Rep|4
Systems Administrator|5
Operations Analyst|4
Marketing Coordinator|3
Executive Assistant|2
Consultant|5
Team Lead|8
Software Engineer|3
Buyer|6
Controller|12
General Manager|20
""")
]

BRAND_HEADS = _words("""
Blue Red Green Silver Gold Iron Stone Oak Pine Maple Cedar North South East West Bright Clear
Swift True Prime Apex Summit Harbor River Lake Ocean Sky Star Sun Moon Cloud Rain Storm Thunder
Frost Ember Flame Copper Cobalt Granite Marble Crystal Falcon Eagle Hawk Raven Fox Wolf Bear
Lion Tiger Orchid Lotus Willow Birch Aspen Ridge Valley Meadow Prairie Canyon Mesa Delta Alpine
Arctic Polar Coastal Urban Metro Civic Royal Noble Pioneer Frontier Vantage Keystone Beacon
Lantern Compass Anchor Bridge Tower Gate Forge Mill Quarry Orbit Nova Vertex Zenith Nimbus
Quantum Vector Helix Cipher
""")

BRAND_TAILS = _words("""
wave point line field stone works gate bridge path way stream light peak crest view port side
land wood brook ford haven shore spring vale well mark craft shift spark core loop grid base
hub gleam ridge crown vista cove quest forge spire mere dell sphere scope sense bit logic mind
flow pulse beam stack vault nest wing leaf root tree dale moor bay cliff fall glen hill isle
marsh mount park rock sand star tide wind arc row
""")

# What the company does | the Salesforce industry picklist value that goes with it
COMPANY_KINDS = text_rows("""
Logistics|Transportation
Freight|Shipping
Health|Healthcare
Medical|Healthcare
Software|Technology
Systems|Technology
Analytics|Technology
Networks|Telecommunications
Telecom|Communications
Foods|Food & Beverage
Brewing|Food & Beverage
Capital|Finance
Financial|Banking
Insurance|Insurance
Energy|Energy
Solar|Utilities
Manufacturing|Manufacturing
Industries|Machinery
Engineering|Engineering
Construction|Construction
Consulting|Consulting
Partners|Consulting
Retail|Retail
Outfitters|Apparel
Media|Media
Studios|Entertainment
Learning|Education
Hospitality|Hospitality
Biotech|Biotechnology
Labs|Biotechnology
""")

# Employee counts, roughly as a B2B list is spread (many small companies, few large ones).
EMPLOYEE_BANDS = [8, 12, 20, 25, 35, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400, 500, 750]
EMPLOYEE_BANDS += [1000, 1500, 2500, 5000, 12000]

# country | E.164 prefix | company suffixes | website TLD | German name pools
COUNTRIES = {
    row[0]: (row[1], tuple(row[2].split(",")), row[3], row[4] == "de")
    for row in text_rows("""
United States|+1|Inc.,LLC,Corp.,Inc.|.com|
Canada|+1|Inc.,Ltd.,Corp.|.ca|
United Kingdom|+44|Ltd,plc,Ltd|.co.uk|
Germany|+49|GmbH,AG,GmbH|.de|de
Australia|+61|Pty Ltd,Ltd,Pty Ltd|.com.au|
""")
}

# country | state | city | IANA zone | weight | area codes | subscriber ranges | postal codes
REGIONS = text_rows("""
United States|NY|New York|America/New_York|9|212 646 718|2000000-10000000|10001 10016 10036 11201
United States|CA|San Francisco|America/Los_Angeles|6|415 628|2000000-10000000|94103 94107 94110
United States|CA|Los Angeles|America/Los_Angeles|6|213 310 323|2000000-10000000|90012 90024 90036
United States|TX|Austin|America/Chicago|4|512 737|2000000-10000000|78701 78704 78745
United States|TX|Dallas|America/Chicago|4|214 469 972|2000000-10000000|75201 75204 75240
United States|IL|Chicago|America/Chicago|5|312 773 872|2000000-10000000|60601 60607 60614 60654
United States|FL|Miami|America/New_York|3|305 786|2000000-10000000|33130 33131 33139
United States|MA|Boston|America/New_York|3|617 857|2000000-10000000|02108 02110 02116
United States|WA|Seattle|America/Los_Angeles|3|206|2000000-10000000|98101 98104 98109
United States|GA|Atlanta|America/New_York|3|404 678|2000000-10000000|30303 30308 30318
United States|CO|Denver|America/Denver|2|303 720|2000000-10000000|80202 80205 80211
United States|AZ|Phoenix|America/Phoenix|2|602 480|2000000-10000000|85004 85016 85251
United States|MN|Minneapolis|America/Chicago|2|612|2000000-10000000|55401 55403 55414
United States|OH|Columbus|America/New_York|2|614|2000000-10000000|43215 43201 43206
United States|NC|Charlotte|America/New_York|2|704 980|2000000-10000000|28202 28203 28205
United States|UT|Salt Lake City|America/Denver|1|801 385|2000000-10000000|84101 84111 84103
Canada|ON|Toronto|America/Toronto|5|416 647|2000000-10000000|M5V 2T6,M5H 2N2,M4W 1A8
Canada|QC|Montréal|America/Toronto|2|514 438|2000000-10000000|H2Y 1C6,H3B 2Y5,H2X 3P2
Canada|BC|Vancouver|America/Vancouver|2|604 778|2000000-10000000|V6B 1A1,V6C 3E8,V5K 0A1
Canada|AB|Calgary|America/Edmonton|1|403 587|2000000-10000000|T2P 1J9,T2R 0A8,T3A 0E2
United Kingdom|England|London|Europe/London|6|20|30000000-40000000 70000000-90000000|EC1A 1BB,E1 6AN
United Kingdom|England|Manchester|Europe/London|2|161|2000000-10000000|M1 1AE,M2 3WQ,M4 1HN
United Kingdom|England|Leeds|Europe/London|1|113|2000000-6000000|LS1 4DY,LS2 7EW,LS11 5QN
United Kingdom|Scotland|Edinburgh|Europe/London|1|131|2000000-9000000|EH1 1YZ,EH2 2AN,EH3 9DR
Germany|Berlin|Berlin|Europe/Berlin|3|30|20000000-100000000|10115 10178 10997 12043
Germany|Bayern|München|Europe/Berlin|3|89|20000000-100000000|80331 80469 81675
Germany|Hamburg|Hamburg|Europe/Berlin|2|40|20000000-100000000|20095 20354 22767
Germany|Hessen|Frankfurt am Main|Europe/Berlin|2|69|20000000-100000000|60311 60325 60594
Australia|NSW|Sydney|Australia/Sydney|4|2|80000000-100000000|2000 2010 2060
Australia|VIC|Melbourne|Australia/Melbourne|3|3|80000000-100000000|3000 3004 3121
Australia|QLD|Brisbane|Australia/Brisbane|2|7|30000000-40000000|4000 4006 4101
Australia|WA|Perth|Australia/Perth|1|8|92000000-95000000|6000 6005 6160
""")

STREET_NAMES = text_items("""
Main Street|Oak Avenue|Market Street|Park Road|High Street|Church Lane|Mill Road|King Street
Queen Street|Station Road|River Road|Lake Drive|Elm Street|Cedar Lane|Harbour Way|Broadway
Commerce Drive|Innovation Way|Technology Parkway|Victoria Road|George Street|Collins Street
Bay Street|Front Street|Hauptstraße|Bahnhofstraße|Industriestraße|Friedrichstraße|Lindenallee
""")

# What a rep writes after a call, by disposition; "Checking in" notes for contacts.
NOTES = _groups("""
[No Answer]
No answer.
No answer; no voicemail set up.
Rang out, tried the main line.
No answer, will try a different time of day.
[Left Voicemail]
Left voicemail.
Left voicemail with callback number.
Left voicemail referencing their download.
Voicemail: mentioned the demo offer, will follow up by email.
[Busy]
Line busy.
Busy signal.
Busy, try again later.
[Connected – Qualified]
Budget approved for this year; wants a demo with the team.
Owns the decision, 20+ seats, evaluating two vendors.
Pain: reps spend half the day hunting for the next lead. Booked a demo.
Strong fit. Current contract ends next quarter.
[Connected – Not Interested]
Not interested: happy with the current vendor.
No budget this year.
Too small a team for this.
Asked not to be contacted again about this offer.
[Connected – Call Back]
In a meeting; asked for a call back.
Interested but travelling, call back next week.
Wants to talk to their manager first; call back.
Asked to call back after the quarter.
[Wrong Number / Bad Data]
Number belongs to someone else.
Number disconnected.
Fake details on the form.
[Do Not Call]
Asked to be put on the do-not-call list.
Requested no further calls.
[Contact]
Checked in on the rollout; going well.
Discussed expansion to a second team.
Sent the renewal quote.
Walked through the new reporting features.
Asked about pricing for additional seats.
Introduced the new account manager.
""")

# Seconds a call lasts, by disposition: shortest | longest
DURATIONS = {
    row[0]: (int(row[1]), int(row[2]))
    for row in text_rows("""
No Answer|15|40
Left Voicemail|35|90
Busy|3|10
Connected – Qualified|300|1500
Connected – Call Back|60|300
Connected – Not Interested|30|180
Wrong Number / Bad Data|10|60
Do Not Call|20|90
""")
}

EMAIL_SUBJECTS = ("Following up on your {offer}", "Your {offer}: next steps", "Re: {offer}")
TASK_SUBJECTS = ("Send proposal", "Prepare demo environment", "Confirm stakeholder list")

REJECT_REASONS = text_items("""
Student, not a business|Competitor researching us|Job seeker, not a buyer|Bogus form fill
Outside our territories|Company too small for any plan
""")

ARCHIVE_REASON = "No response after repeated attempts: handed to marketing nurture"
MATCH_REASON = "Matched an existing contact by email"
REBALANCE_REASON = "Rebalanced by the manager"

AUTHORITY = ("Decision maker", "Influencer", "End user")
TIMELINES = ("This quarter", "Next quarter", "This year", "No timeline")
NEEDS = (
    "Reps waste time finding who to call next",
    "No visibility of untouched leads",
    "Leads from events are never followed up",
    "Replacing spreadsheets and a desk phone",
)

# Script answers of qualifying calls, serialised once: picked per row, never encoded per row.
ANSWERS = [
    json.dumps(
        {
            "budget": i % 4 != 2,
            "authority": AUTHORITY[i % 3],
            "need": NEEDS[i % 4],
            "timeline": TIMELINES[i % 4],
            "seats": 5 + 15 * i,
        }
    )
    for i in range(10)
]
