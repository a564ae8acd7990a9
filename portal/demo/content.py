"""Demo content: the Kestrel school laptop with its people, prototypes, ideas, votes and comments."""

from __future__ import annotations

PRODUCT = {
    "name": "Kestrel school laptop",
    "slug": "kestrel-school-laptop",
    "tagline": (
        "A tough, low-cost laptop for rural primary schools, designed in the open with the teachers, parents "
        "and children who use it."
    ),
    "description": (
        "Kestrel is a low-cost laptop for children in rural primary schools: places with unreliable power, "
        "no internet, dusty classrooms and long walks home. A small team at the Kestrel Learning Foundation "
        "builds it, and every prototype is published here for anyone to comment on.\n\n"
        "Our design targets:\n\n"
        "- under $120 per unit for orders of 1,000 or more\n"
        "- a full school day on one charge, with solar and hand-crank top-ups\n"
        "- a screen that stays readable outdoors and under a tin roof\n"
        "- every part replaceable with a single Phillips screwdriver\n\n"
        "The project is inspired by earlier open efforts such as One Laptop per Child, which invited around "
        "1,400 outside collaborators into its design. Post an idea against any prototype, vote for the ones "
        "that matter to your school, and tell us what breaks."
    ),
}

# The four demo accounts come first, in this order; community members follow.
PEOPLE = [
    {
        "email": "admin@example.com",
        "display_name": "Helen Achieng",
        "role": "admin",
        "company": "Kestrel Learning Foundation",
        "job_title": "Programme director",
        "bio": (
            "Runs the Kestrel programme and the pilot school partnerships. Former secondary maths teacher in "
            "Kisumu; still judges every design by whether it would survive a Form 1 classroom."
        ),
    },
    {
        "email": "designer@example.com",
        "display_name": "Marta Lindqvist",
        "role": "designer",
        "company": "Kestrel Learning Foundation",
        "job_title": "Lead industrial designer",
        "bio": (
            "Designs the case, keyboard and charging hardware. Spent six years on outdoor sports equipment "
            "before switching to things children carry to school."
        ),
    },
    {
        "email": "developer@example.com",
        "display_name": "Arjun Mehta",
        "role": "developer",
        "company": "Kestrel Learning Foundation",
        "job_title": "Lead software engineer",
        "bio": (
            "Looks after the operating system image, the update pipeline and the classroom services. "
            "Happiest when a feature works on a 2 GB machine with no internet."
        ),
    },
    {
        "email": "customer@example.com",
        "display_name": "Grace Banda",
        "role": "customer",
        "company": "Chikwawa Community Primary School",
        "job_title": "Standard 5 teacher",
        "bio": (
            "Teaches 68 pupils in southern Malawi. Part of the first pilot cohort and keeps a notebook of "
            "everything that breaks."
        ),
    },
    {
        "email": "amina.otieno@example.org",
        "display_name": "Amina Otieno",
        "role": "customer",
        "company": "Nyalenda Primary School, Kisumu",
        "job_title": "Head teacher",
        "bio": (
            "Head teacher at a Kisumu school hosting the Kenyan screen and mesh pilots. Cares about teacher "
            "workload, timetables and keeping 40 laptops charged through a long day."
        ),
    },
    {
        "email": "rafael.mendes@example.org",
        "display_name": "Rafael Mendes",
        "role": "customer",
        "company": "Secretaria Municipal de Educação de Santarém",
        "job_title": "School IT coordinator",
        "bio": (
            "Supports 41 riverside schools along the Tapajós, most of them reachable only by boat. Thinks "
            "about remote updates, spare parts and humidity."
        ),
    },
    {
        "email": "priya.raman@example.org",
        "display_name": "Priya Raman",
        "role": "customer",
        "company": "Government Primary School parents' committee, Thiruvallur",
        "job_title": "Parent and school committee member",
        "bio": (
            "Mother of two Kestrel users in Class 4 and Class 6. Asks the questions other parents ask at the "
            "gate: is it safe, is it heavy, and what happens when it breaks."
        ),
    },
    {
        "email": "tomasz.kowalczyk@example.com",
        "display_name": "Tomasz Kowalczyk",
        "role": "developer",
        "company": "Kestrel Learning Foundation",
        "job_title": "Networking firmware engineer",
        "bio": (
            "Maintains the mesh firmware and the radio driver patches. Previously built community Wi-Fi "
            "networks in rural Poland."
        ),
    },
    {
        "email": "lin.mei@example.com",
        "display_name": "Lin Mei",
        "role": "designer",
        "company": "Kestrel Learning Foundation",
        "job_title": "Interaction designer",
        "bio": (
            "Designs the classroom apps and the reader, for children who are new to both reading and screens."
        ),
    },
    {
        "email": "kwame.asante@example.org",
        "display_name": "Kwame Asante",
        "role": "customer",
        "company": "Bright Paths Education Trust",
        "job_title": "Field programme officer",
        "bio": (
            "Visits 23 schools in Ghana's Upper East Region every month and reports on how the laptops are "
            "really used, charged and stored between visits."
        ),
    },
    {
        "email": "sofia.quispe@example.org",
        "display_name": "Sofía Quispe Mamani",
        "role": "customer",
        "company": "Institución Educativa 70158, Chucuito",
        "job_title": "Multigrade primary teacher",
        "bio": (
            "Teaches grades 3 to 6 in one room, 3,800 metres up beside Lake Titicaca. Her pupils speak "
            "Aymara at home and Spanish at school."
        ),
    },
    {
        "email": "joseph.mwangi@example.org",
        "display_name": "Joseph Mwangi",
        "role": "customer",
        "company": "Lakeside Day Secondary School, Kisumu",
        "job_title": "Form 2 student",
        "bio": (
            "My sister's class is in the pilot and I help her teacher fix the laptops after school. I like "
            "the terminal and I want the crank to be easier."
        ),
    },
    {
        "email": "fatima.diallo@example.org",
        "display_name": "Fatima Diallo",
        "role": "customer",
        "company": "Écoles pour Tous Sénégal",
        "job_title": "Programme manager",
        "bio": (
            "Coordinates laptop rollouts to 60 schools around Kaolack and Tambacounda: logistics, teacher "
            "training days, and content in French, Wolof and Pulaar."
        ),
    },
    {
        "email": "hiroshi.tanaka@example.com",
        "display_name": "Hiroshi Tanaka",
        "role": "developer",
        "company": "Kestrel Learning Foundation",
        "job_title": "Power electronics engineer",
        "bio": (
            "Designs the charge controller, the crank generator electronics and the battery management "
            "firmware."
        ),
    },
    {
        "email": "nadia.haddad@example.org",
        "display_name": "Nadia Haddad",
        "role": "customer",
        "company": "Learning Without Borders",
        "job_title": "Education officer",
        "bio": (
            "Runs learning centres for refugee children in the Bekaa valley. Her pupils often move between "
            "centres, so their work needs to move with them."
        ),
    },
    {
        "email": "samuel.okeke@example.org",
        "display_name": "Samuel Okeke",
        "role": "customer",
        "company": "Okeke Phone and Computer Repairs, Onitsha",
        "job_title": "Repair technician",
        "bio": (
            "Fixes phones and laptops in Onitsha market. Joined to make sure a Kestrel can be repaired with "
            "the tools an ordinary market stall already owns."
        ),
    },
    {
        "email": "ingrid.solberg@example.com",
        "display_name": "Ingrid Solberg",
        "role": "designer",
        "company": "Kestrel Learning Foundation",
        "job_title": "Display and ergonomics designer",
        "bio": (
            "Works on the screen, the hinge and how children hold and carry the machine. Runs the outdoor "
            "readability tests."
        ),
    },
    {
        "email": "mateo.gutierrez@example.com",
        "display_name": "Mateo Gutiérrez",
        "role": "developer",
        "company": "Independent contributor",
        "job_title": "Localisation developer",
        "bio": "Volunteer who maintains the translation tooling and the Quechua and Aymara keyboard layouts.",
    },
]

PROTOTYPES = [
    {
        "slug": "hand-crank-power-unit",
        "name": "Hand-crank power unit",
        "version_label": "v0.1",
        "stage": "concept",
        "description": (
            "A detachable crank generator that clips to the side of the laptop and tops up the battery where "
            "there is no mains power and no solar panel. On the bench, ten minutes of steady cranking gives "
            "about an hour and a half of reading in reflective mode, so we see it as a top-up, not the main "
            "charger.\n\n"
            "We are still choosing between a side crank and a foot-pull cord. Tell us about **torque for "
            "small arms**, noise, where children would actually crank (desk, floor, a queue at break), and "
            "whether a shared classroom charger would serve your school better."
        ),
        "demo_url": "",
        "open_for_feedback": True,
    },
    {
        "slug": "sunlight-readable-screen",
        "name": "Sunlight-readable screen",
        "version_label": "v0.4",
        "stage": "pilot",
        "description": (
            "A 7.5-inch dual-mode screen: full colour with a backlight indoors, and a reflective monochrome "
            "mode that stays readable in direct sun with the backlight off, using roughly 80% less power.\n\n"
            "The pilot runs in 12 schools in Kenya, Malawi and Peru. Tell us where it is hard to read, how "
            "the mode switch feels to children, and how the panel copes with dust, cold mornings and fingers."
        ),
        "demo_url": "https://example.org/kestrel/screen-pilot",
        "open_for_feedback": True,
    },
    {
        "slug": "classroom-mesh-network",
        "name": "Classroom mesh network",
        "version_label": "v0.3",
        "stage": "prototype",
        "description": (
            "Every Kestrel relays for its neighbours, so a class can share files, chat and join the same "
            "activity without an access point or internet. One laptop with a connection, or a USB modem, can "
            "act as the gateway for the whole mesh.\n\n"
            "The prototype is tested with about 40 laptops in one room. We want to hear about real classroom "
            "sizes and layouts, sharing between schools, and what teachers need to see and control."
        ),
        "demo_url": "https://example.org/kestrel/mesh-demo",
        "open_for_feedback": True,
    },
    {
        "slug": "rugged-keyboard-and-case",
        "name": "Rugged keyboard and case",
        "version_label": "v1.0",
        "stage": "production",
        "description": (
            "The shipping case: a sealed rubber-membrane keyboard, a polycarbonate shell with rubber "
            "corners, a carry handle with strap loops, and five identical Phillips screws between you and "
            "every internal part.\n\n"
            "This design is in production and closed for new feedback. The ideas below shaped it, and the "
            "open ones are kept for the next hardware revision."
        ),
        "demo_url": "",
        "open_for_feedback": False,
    },
    {
        "slug": "library-reader-app",
        "name": "Library and e-book reader",
        "version_label": "v0.2",
        "stage": "prototype",
        "description": (
            "An offline library app with levelled readers, read-aloud and a shared class shelf that syncs "
            "over the mesh. Books use an open format, so schools can add their own stories.\n\n"
            "We want feedback on local-language content, how children find and choose books, and what "
            "teachers need to assign and follow reading."
        ),
        "demo_url": "https://example.org/kestrel/reader",
        "open_for_feedback": True,
    },
]

IDEAS = [
    # Hand-crank power unit
    {
        "prototype": "hand-crank-power-unit",
        "author": "joseph.mwangi@example.org",
        "title": "Make the crank easier to turn for younger children",
        "body": (
            "At the Kisumu design day I tried the v0.1 crank mock-up with my little sister. She is 8. She "
            "managed about two minutes before her arm got tired, and she had to hold the laptop down with "
            "her other hand.\n\n"
            "Could there be a lower gear? Even if it charges slower, small children could do it alone."
        ),
        "days_ago": 84,
        "votes": 15,
        "comments": [
            {
                "author": "hiroshi.tanaka@example.com",
                "body": (
                    "Thanks Joseph, this matches our bench numbers: v0.1 needs about 0.9 Nm at the handle, "
                    "which is too much for most children under 10. We're testing a two-speed gearbox with a "
                    "small-hands setting at roughly half the torque."
                ),
                "hours_after": 20,
                "replies": [
                    {
                        "author": "joseph.mwangi@example.org",
                        "body": (
                            "Half would be great. Can it show which gear is on? My sister kept asking if it "
                            "was working."
                        ),
                        "hours_after": 30,
                    },
                    {
                        "author": "designer@example.com",
                        "body": (
                            "Good call. We'll put a small charging light on the crank itself, so it works "
                            "even when the screen is off."
                        ),
                        "hours_after": 44,
                    },
                ],
            },
            {
                "author": "customer@example.com",
                "body": (
                    "Same in my class. The younger ones crank in pairs: one holds the laptop and one turns. "
                    "A clamp for the desk edge would free the second child."
                ),
                "hours_after": 52,
                "replies": [],
            },
            {
                "author": "priya.raman@example.org",
                "body": "As a parent I'd also like to know that the handle can't pinch fingers if it slips.",
                "hours_after": 96,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "hand-crank-power-unit",
        "author": "designer@example.com",
        "title": "Foot-pull cord instead of a side crank",
        "body": (
            "We are considering a pull-cord charger worked with the foot, like a treadle. Legs are much "
            "stronger than arms, and the laptop stays on the desk while the child reads.\n\n"
            "Trade-offs we already see:\n\n"
            "- the cord is a wear part and needs an easy replacement path\n"
            "- it needs floor space, which is tight in crowded classrooms\n"
            "- it is awkward when children sit on mats\n\n"
            "Would this work in your schools?"
        ),
        "days_ago": 78,
        "votes": 6,
        "comments": [
            {
                "author": "kwame.asante@example.org",
                "body": (
                    "Most schools I visit in the Upper East have benches, not chairs, and three children "
                    "share each one. A foot pull under the bench could work, but the cords will tangle."
                ),
                "hours_after": 26,
                "replies": [],
            },
            {
                "author": "sofia.quispe@example.org",
                "body": "My pupils sit on the floor for half the day. A hand crank is better for us.",
                "hours_after": 60,
                "replies": [],
            },
            {
                "author": "samuel.okeke@example.org",
                "body": (
                    "Pull cords on the generators in our market break all the time. If you do this, use a "
                    "cord size that can be bought anywhere."
                ),
                "hours_after": 75,
                "replies": [
                    {
                        "author": "hiroshi.tanaka@example.com",
                        "body": (
                            "Noted. We're specifying 4 mm braided cord, the same as common lawnmower "
                            "starters."
                        ),
                        "hours_after": 90,
                    },
                ],
            },
        ],
    },
    {
        "prototype": "hand-crank-power-unit",
        "author": "kwame.asante@example.org",
        "title": "Shared bicycle generator for the whole classroom",
        "body": (
            "Instead of one crank per laptop, what about one bicycle generator per school that charges ten "
            "laptops at once? Older pupils could take turns during break.\n\n"
            "Several schools near Bolgatanga already have a bicycle that is only used for the head teacher's "
            "trips to the district office."
        ),
        "days_ago": 70,
        "votes": 9,
        "comments": [
            {
                "author": "admin@example.com",
                "body": (
                    "We like this a lot, and it came up at the Malawi pilot too. A bicycle generator is "
                    "cheaper per watt than individual cranks; the open question is who owns and maintains it."
                ),
                "hours_after": 30,
                "replies": [
                    {
                        "author": "kwame.asante@example.org",
                        "body": (
                            "In my schools the PTA would own it. They already manage the borehole pump and "
                            "collect money for repairs."
                        ),
                        "hours_after": 50,
                    },
                ],
            },
            {
                "author": "hiroshi.tanaka@example.com",
                "body": (
                    "Rough numbers: a fit teenager produces 50 to 75 W for half an hour, enough to charge "
                    "about five laptops at full rate. We'd need a hub with per-port protection so one faulty "
                    "laptop can't take the others down."
                ),
                "hours_after": 80,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "hand-crank-power-unit",
        "author": "hiroshi.tanaka@example.com",
        "title": "Publish the crank-to-battery energy budget",
        "body": (
            "Several people asked how much use a few minutes of cranking really gives. These are bench "
            "measurements from the v0.1 generator, with an adult cranking steadily at 60 rpm:\n\n"
            "| Cranking | Energy into battery | Reading (reflective mode) | Video |\n"
            "|---|---|---|---|\n"
            "| 1 minute | 0.25 Wh | 10 min | 3 min |\n"
            "| 5 minutes | 1.25 Wh | 50 min | 15 min |\n"
            "| 10 minutes | 2.5 Wh | 1 h 40 min | 30 min |\n\n"
            "Children in our tests reached 60 to 70% of these figures. Pilot teachers, please tell us "
            "whether this matches what you see."
        ),
        "days_ago": 64,
        "votes": 4,
        "comments": [
            {
                "author": "rafael.mendes@example.org",
                "body": (
                    "Please add the same table for the solar panel. In the Tapajós it is cloudy half the "
                    "year and we need to plan."
                ),
                "hours_after": 22,
                "replies": [],
            },
            {
                "author": "amina.otieno@example.org",
                "body": (
                    "Ten minutes of cranking for under two hours of reading is honest, but sobering. The "
                    "crank is an emergency top-up, and the prototype description should say so."
                ),
                "hours_after": 48,
                "replies": [
                    {
                        "author": "admin@example.com",
                        "body": (
                            "Fair point, Amina. We've reworded the description so nobody plans a school "
                            "around cranking alone."
                        ),
                        "hours_after": 60,
                    },
                ],
            },
        ],
    },
    {
        "prototype": "hand-crank-power-unit",
        "author": "samuel.okeke@example.org",
        "title": "USB-C output on the crank so families can charge phones",
        "body": (
            "If the crank unit has a USB-C output, it becomes useful to the whole family, and families will "
            "look after it better. In Onitsha people pay to charge their phones every day.\n\n"
            "It also means that when a laptop dies, the crank is still worth fixing."
        ),
        "days_ago": 55,
        "votes": 8,
        "comments": [
            {
                "author": "priya.raman@example.org",
                "body": (
                    "Yes, but then the phone will always win and the laptop gets charged last. Maybe a "
                    "switch so the school can lock it to laptop-only during term?"
                ),
                "hours_after": 10,
                "replies": [
                    {
                        "author": "samuel.okeke@example.org",
                        "body": (
                            "Parents will find a way around any lock. Better to make it charge both at once."
                        ),
                        "hours_after": 20,
                    },
                    {
                        "author": "hiroshi.tanaka@example.com",
                        "body": (
                            "The generator can't supply both at full rate, but we can split it: the laptop "
                            "first, and whatever is left goes to the USB-C port."
                        ),
                        "hours_after": 34,
                    },
                ],
            },
            {
                "author": "developer@example.com",
                "body": (
                    "From the software side: if the crank speaks USB Power Delivery, the laptop can also log "
                    "crank use for the teacher dashboard, which several teachers have asked for."
                ),
                "hours_after": 50,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "hand-crank-power-unit",
        "author": "customer@example.com",
        "title": "Cranking is too noisy during lessons",
        "body": (
            "In our pilot week the gear whine from eight cranks at once made it hard to teach. The children "
            "loved it, but I had to stop the lesson twice.\n\n"
            "Could the gearbox be quieter? Or should we agree that cranking is for break time only, and "
            "design for that with a battery that lasts the whole lesson?"
        ),
        "days_ago": 41,
        "votes": 5,
        "comments": [
            {
                "author": "designer@example.com",
                "body": (
                    "We measured 62 dB at one metre for a single crank, so eight is loud. The v0.2 gears are "
                    "helical instead of straight-cut, which should take off 6 to 8 dB. We'll send two to "
                    "Chikwawa to compare."
                ),
                "hours_after": 18,
                "replies": [],
            },
            {
                "author": "amina.otieno@example.org",
                "body": (
                    "At Nyalenda the rule is: crank only in the first ten minutes of break. It works, but "
                    "the queue gets long."
                ),
                "hours_after": 44,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "hand-crank-power-unit",
        "author": "fatima.diallo@example.org",
        "title": "Textured crank handle for hot, sweaty hands",
        "body": (
            "At 40 °C in Tambacounda in May, the smooth plastic handle slips. Children wrap it in cloth, "
            "which then catches in the gears.\n\n"
            "A rubber sleeve or a ribbed handle would solve it."
        ),
        "days_ago": 26,
        "votes": 5,
        "comments": [
            {
                "author": "designer@example.com",
                "body": (
                    "Good catch. We'll try the same TPE overmould we use on the case corners. It should help "
                    "in cold classrooms too."
                ),
                "hours_after": 14,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "hand-crank-power-unit",
        "author": "nadia.haddad@example.org",
        "title": "Show how much reading time each crank session added",
        "body": (
            "When a child cranks for five minutes they want to see the result. A short message such as \"+12 "
            "minutes of reading\" would be motivating, and it teaches something about energy.\n\n"
            "It could even become a science lesson: compare cranking speeds and chart the results."
        ),
        "days_ago": 3,
        "votes": 4,
        "comments": [
            {
                "author": "lin.mei@example.com",
                "body": (
                    "I love framing it as minutes of reading rather than a percentage. I'll mock this up for "
                    "the next design review."
                ),
                "hours_after": 5,
                "replies": [],
            },
            {
                "author": "developer@example.com",
                "body": (
                    "The battery gauge already reports energy in mWh, so a per-session counter is easy. "
                    "We'll make it available to the science activities as well."
                ),
                "hours_after": 20,
                "replies": [],
            },
        ],
    },

    # Sunlight-readable screen
    {
        "prototype": "sunlight-readable-screen",
        "author": "amina.otieno@example.org",
        "title": "Switch screen modes automatically under a patchy tin roof",
        "body": (
            "Under our corrugated roof the classroom has bright stripes of sun and deep shade. Children in "
            "the shade can't read in reflective mode, and the ones in the stripes get glare in colour "
            "mode.\n\n"
            "Could the laptop switch modes by itself using a light sensor, instead of children pressing the "
            "key all lesson?"
        ),
        "days_ago": 60,
        "votes": 14,
        "comments": [
            {
                "author": "ingrid.solberg@example.com",
                "body": (
                    "We saw exactly this in the Kisumu pilot photos. The v0.4 board has an ambient light "
                    "sensor, but auto switching was left off because it flickered at the edge of a stripe. "
                    "We're adding hysteresis and a 3-second delay for the next pilot image."
                ),
                "hours_after": 16,
                "replies": [
                    {
                        "author": "amina.otieno@example.org",
                        "body": (
                            "Three seconds sounds right. Please keep the manual key as well; some teachers "
                            "will want to lock the mode."
                        ),
                        "hours_after": 28,
                    },
                    {
                        "author": "developer@example.com",
                        "body": (
                            "The manual override stays. Auto mode will be a setting the teacher can turn off "
                            "per class."
                        ),
                        "hours_after": 40,
                    },
                ],
            },
            {
                "author": "kwame.asante@example.org",
                "body": (
                    "Same in Ghana. During the harmattan the dust haze makes the shade darker than you'd "
                    "expect."
                ),
                "hours_after": 70,
                "replies": [],
            },
            {
                "author": "customer@example.com",
                "body": (
                    "Yes please. My pupils press the mode key constantly and then forget which mode they're "
                    "in."
                ),
                "hours_after": 90,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "sunlight-readable-screen",
        "author": "ingrid.solberg@example.com",
        "title": "Fit a matte anti-glare film at the factory",
        "body": (
            "Pilot teachers report glare as their number one complaint outdoors. A matte film costs us about "
            "$0.40 per unit and cuts glare a lot, but it lowers contrast slightly indoors.\n\n"
            "Should it be fitted at the factory, or shipped as an optional extra that schools apply "
            "themselves?"
        ),
        "days_ago": 52,
        "votes": 9,
        "comments": [
            {
                "author": "rafael.mendes@example.org",
                "body": (
                    "At the factory. If you ship it separately, half the films will end up with bubbles or "
                    "in a drawer."
                ),
                "hours_after": 8,
                "replies": [],
            },
            {
                "author": "samuel.okeke@example.org",
                "body": (
                    "At the factory, but replaceable. Films scratch, and I would rather replace the film "
                    "than the panel."
                ),
                "hours_after": 24,
                "replies": [
                    {
                        "author": "ingrid.solberg@example.com",
                        "body": (
                            "Agreed. We'll use a standard cut size so the film-cutting machines in phone "
                            "shops can make replacements."
                        ),
                        "hours_after": 36,
                    },
                ],
            },
        ],
    },
    {
        "prototype": "sunlight-readable-screen",
        "author": "sofia.quispe@example.org",
        "title": "Screen ghosting on freezing mornings",
        "body": (
            "Our classroom is 2 °C at eight in the morning in July. For the first half hour the screen "
            "leaves ghost images when children scroll, and the reader is hard to follow.\n\n"
            "Is there a way to warm the screen, or to slow page turns down automatically when it is cold?"
        ),
        "days_ago": 45,
        "votes": 3,
        "comments": [
            {
                "author": "ingrid.solberg@example.com",
                "body": (
                    "Liquid crystal slows down a lot below 5 °C. Heating the panel would drain the battery, "
                    "but the reader can switch to whole-page turns with no animation when the temperature "
                    "sensor reads cold."
                ),
                "hours_after": 30,
                "replies": [],
            },
            {
                "author": "developer@example.com",
                "body": (
                    "We've added a cold-weather flag to the display driver. Sofía, a test image is on its "
                    "way to Chucuito with the next update stick."
                ),
                "hours_after": 100,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "sunlight-readable-screen",
        "author": "priya.raman@example.org",
        "title": "Is the backlight safe for children's eyes at night?",
        "body": (
            "Many children do their homework in the evening by the laptop's light alone. Parents on our "
            "committee asked whether the blue light harms their eyes or their sleep.\n\n"
            "A warm night mode that switches on by itself after sunset would reassure them."
        ),
        "days_ago": 38,
        "votes": 6,
        "comments": [
            {
                "author": "ingrid.solberg@example.com",
                "body": (
                    "The backlight already shifts to a warm 2700 K profile from 6 pm local time. We clearly "
                    "need to make that visible: nobody found it during the pilot."
                ),
                "hours_after": 20,
                "replies": [
                    {
                        "author": "priya.raman@example.org",
                        "body": (
                            "Could the first-start setup show it to parents? That's when we are paying "
                            "attention."
                        ),
                        "hours_after": 26,
                    },
                ],
            },
            {
                "author": "lin.mei@example.com",
                "body": (
                    "Reflective mode with a small reading lamp is also easier on the eyes than any "
                    "backlight. We'll suggest that in the parent leaflet."
                ),
                "hours_after": 40,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "sunlight-readable-screen",
        "author": "developer@example.com",
        "title": "Let text-only apps request reflective mode to save battery",
        "body": (
            "Battery logs from the pilot show children leave colour mode on while reading plain text, which "
            "costs about 1.2 W for nothing.\n\n"
            "Proposal: an app can declare that it prefers reflective mode, and the system switches when that "
            "app is in front. The manifest entry would look like this:\n\n"
            "```toml\n"
            "[display]\n"
            "preferred_mode = \"reflective\"\n"
            "allow_user_override = true\n"
            "```\n\n"
            "Concerns welcome, especially from teachers who use colour pictures in reading lessons."
        ),
        "days_ago": 33,
        "votes": 7,
        "comments": [
            {
                "author": "lin.mei@example.com",
                "body": "Picture books need colour. Could the reader decide per book instead of per app?",
                "hours_after": 6,
                "replies": [
                    {
                        "author": "developer@example.com",
                        "body": (
                            "Yes, per book is better. The book metadata can carry the hint and the reader "
                            "passes it on."
                        ),
                        "hours_after": 12,
                    },
                ],
            },
            {
                "author": "nadia.haddad@example.org",
                "body": (
                    "Our centres have mains power for four hours a day. Anything that saves battery gets my "
                    "vote."
                ),
                "hours_after": 30,
                "replies": [],
            },
            {
                "author": "mateo.gutierrez@example.com",
                "body": (
                    "Please document the key in the developer guide so volunteer app authors use it from the "
                    "start."
                ),
                "hours_after": 55,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "sunlight-readable-screen",
        "author": "kwame.asante@example.org",
        "title": "Dust collects under the bottom of the screen bezel",
        "body": (
            "After one harmattan season, four of the ten pilot laptops at Zuarungu have a line of dust "
            "inside the bezel along the bottom edge. In reflective mode it shows as a grey shadow.\n\n"
            "The bezel gasket seems to stop short of the corners."
        ),
        "days_ago": 20,
        "votes": 5,
        "comments": [
            {
                "author": "ingrid.solberg@example.com",
                "body": (
                    "Thank you for the photos. You're right: the gasket leaves a 4 mm gap at each corner for "
                    "the hinge cable. We're testing a closed-cell foam plug there."
                ),
                "hours_after": 12,
                "replies": [
                    {
                        "author": "kwame.asante@example.org",
                        "body": (
                            "Can schools fix the laptops they already have, or do they need to come back to "
                            "you?"
                        ),
                        "hours_after": 30,
                    },
                    {
                        "author": "ingrid.solberg@example.com",
                        "body": (
                            "We'll send foam plugs and a one-page guide. It's a five-minute job with the "
                            "standard screwdriver."
                        ),
                        "hours_after": 40,
                    },
                ],
            },
            {
                "author": "samuel.okeke@example.org",
                "body": (
                    "Worth checking the hinge cable as well. Dust plus flexing wears through the insulation."
                ),
                "hours_after": 80,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "sunlight-readable-screen",
        "author": "nadia.haddad@example.org",
        "title": "Bigger default text for early readers",
        "body": (
            "Our pupils range from 6 to 14, and many are learning to read for the first time, in Arabic. The "
            "default text size is too small for the youngest, and changing it is buried in the settings.\n\n"
            "Suggestion: ask for the age range during setup, and put a text-size button on the home screen."
        ),
        "days_ago": 14,
        "votes": 4,
        "comments": [
            {
                "author": "lin.mei@example.com",
                "body": (
                    "The home-screen button is easy. We'll also check Arabic rendering at larger sizes; one "
                    "of the fonts we ship looks cramped."
                ),
                "hours_after": 20,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "sunlight-readable-screen",
        "author": "admin@example.com",
        "title": "Mid-pilot screen survey results from 112 teachers",
        "body": (
            "Thank you to everyone who filled in the mid-pilot survey. The headlines:\n\n"
            "- 81% say reflective mode is readable outdoors in the morning\n"
            "- 54% say it is readable in direct midday sun\n"
            "- 37% have reported a scratched or cracked screen\n"
            "- the most requested change is automatic mode switching\n\n"
            "The full breakdown is on the [pilot survey "
            "page](https://example.org/kestrel/screen-pilot/survey). We'll go through it together on the "
            "next open call."
        ),
        "days_ago": 9,
        "votes": 6,
        "comments": [
            {
                "author": "rafael.mendes@example.org",
                "body": (
                    "The 37% damage figure worries me more than readability. Is that mostly cracks or mostly "
                    "scratches?"
                ),
                "hours_after": 4,
                "replies": [
                    {
                        "author": "ingrid.solberg@example.com",
                        "body": (
                            "Mostly scratches: 31% scratches and 6% cracks. Every crack so far came from a "
                            "drop onto concrete with the lid open."
                        ),
                        "hours_after": 10,
                    },
                ],
            },
            {
                "author": "customer@example.com",
                "body": (
                    "Could the results be split by country? Midday sun in Malawi is not the same as in Peru."
                ),
                "hours_after": 30,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "sunlight-readable-screen",
        "author": "joseph.mwangi@example.org",
        "title": "Keyboard shortcut to switch screen mode",
        "body": (
            "Pressing the mode key and then finding the brightness bar takes too long. Fn+Space to switch "
            "between colour and reflective would be faster, and it would work in the terminal too."
        ),
        "days_ago": 0,
        "votes": 2,
        "comments": [
            {
                "author": "developer@example.com",
                "body": (
                    "Good idea, and Fn+Space is free. Want to try writing it yourself? The key bindings live "
                    "in one config file and I can point you at it."
                ),
                "hours_after": 1,
                "replies": [
                    {
                        "author": "joseph.mwangi@example.org",
                        "body": "Yes! Send me the file name.",
                        "hours_after": 2,
                    },
                ],
            },
        ],
    },

    # Classroom mesh network
    {
        "prototype": "classroom-mesh-network",
        "author": "rafael.mendes@example.org",
        "title": "Carry lessons between schools on the school boat",
        "body": (
            "Many of our schools are connected only by the school boat, which visits once a week. Could a "
            "laptop travelling on the boat collect new files from one school's mesh and drop them off at the "
            "next?\n\n"
            "Teachers already do this with USB sticks, but it would happen automatically and nobody would "
            "lose the stick."
        ),
        "days_ago": 118,
        "votes": 18,
        "comments": [
            {
                "author": "tomasz.kowalczyk@example.com",
                "body": (
                    "This is store-and-forward, sometimes called a data mule, and the mesh stack can support "
                    "it. The hard part is deciding what to carry when storage is limited. Should teachers "
                    "choose, or should it carry everything new?"
                ),
                "hours_after": 30,
                "replies": [
                    {
                        "author": "rafael.mendes@example.org",
                        "body": (
                            "Teachers choose. Everything new would fill up with videos in the first week."
                        ),
                        "hours_after": 60,
                    },
                    {
                        "author": "tomasz.kowalczyk@example.com",
                        "body": "Then we'll start with an outbox per school and a size limit per trip.",
                        "hours_after": 80,
                    },
                ],
            },
            {
                "author": "admin@example.com",
                "body": (
                    "Rafael, this is now on the roadmap for the v0.4 mesh release. We need two real routes "
                    "for testing; can Santarém be one of them?"
                ),
                "hours_after": 200,
                "replies": [
                    {
                        "author": "rafael.mendes@example.org",
                        "body": "Yes. The Arapiuns route has six schools and a very patient boat pilot.",
                        "hours_after": 230,
                    },
                ],
            },
            {
                "author": "fatima.diallo@example.org",
                "body": "The same idea would work with our supervisors who visit schools by motorbike.",
                "hours_after": 300,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "classroom-mesh-network",
        "author": "tomasz.kowalczyk@example.com",
        "title": "Mesh becomes unreliable above 30 laptops in one room",
        "body": (
            "In the Nyalenda test the mesh became unreliable above 30 nodes in one room: file transfers "
            "stalled and chat lagged by 20 seconds. We think it is broadcast overhead from route "
            "discovery.\n\n"
            "We are trying:\n\n"
            "- limiting relaying to six elected nodes per room\n"
            "- a slower heartbeat for chat presence\n"
            "- a per-classroom radio channel chosen at setup\n\n"
            "If your classes are bigger than 30, tell us how big, so we test with realistic numbers."
        ),
        "days_ago": 90,
        "votes": 4,
        "comments": [
            {
                "author": "customer@example.com",
                "body": "68 pupils, 34 laptops shared in pairs, one room.",
                "hours_after": 5,
                "replies": [],
            },
            {
                "author": "amina.otieno@example.org",
                "body": "Our biggest class is 71, and during exams two streams share one hall.",
                "hours_after": 12,
                "replies": [
                    {
                        "author": "tomasz.kowalczyk@example.com",
                        "body": "Thank you both. We'll make 80 nodes per room the standard test case.",
                        "hours_after": 24,
                    },
                ],
            },
            {
                "author": "fatima.diallo@example.org",
                "body": "Classes in Kaolack are often over 90.",
                "hours_after": 48,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "classroom-mesh-network",
        "author": "customer@example.com",
        "title": "Teacher view of who has received a shared file",
        "body": (
            "When I ask the class to open the shared story, I can't tell who has received it. I walk around "
            "the room checking screens.\n\n"
            "A simple list on my laptop, with a green dot next to each child who has the file, would save me "
            "ten minutes every lesson."
        ),
        "days_ago": 76,
        "votes": 13,
        "comments": [
            {
                "author": "lin.mei@example.com",
                "body": (
                    "We have a sketch of this as a seating plan, with names arranged like desks. Would a "
                    "seating plan help, or is a list enough?"
                ),
                "hours_after": 20,
                "replies": [
                    {
                        "author": "customer@example.com",
                        "body": "A list. The children change places every day.",
                        "hours_after": 28,
                    },
                    {
                        "author": "lin.mei@example.com",
                        "body": (
                            "A list it is, sorted by name, with the children still missing the file at the "
                            "top."
                        ),
                        "hours_after": 40,
                    },
                ],
            },
            {
                "author": "amina.otieno@example.org",
                "body": (
                    "Please show battery level too. Then I know who to send to the charger before the lesson "
                    "starts."
                ),
                "hours_after": 60,
                "replies": [],
            },
            {
                "author": "developer@example.com",
                "body": (
                    "The presence data is already on the mesh, so this is mostly interface work. We're "
                    "aiming for the next prototype image."
                ),
                "hours_after": 90,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "classroom-mesh-network",
        "author": "fatima.diallo@example.org",
        "title": "Reach the classroom next door through thick mud-brick walls",
        "body": (
            "Our schools around Kaolack have thick banco walls made of mud brick. In the test, laptops in "
            "the next classroom could not see each other at all.\n\n"
            "Could one laptop sit in the doorway as a bridge, or is there a better way?"
        ),
        "days_ago": 58,
        "votes": 3,
        "comments": [
            {
                "author": "tomasz.kowalczyk@example.com",
                "body": (
                    "Mud brick absorbs 2.4 GHz badly, around 15 to 20 dB per wall. A laptop in the doorway "
                    "does work as a relay. We're also testing a cheap USB antenna that can be mounted "
                    "outside under the eaves."
                ),
                "hours_after": 36,
                "replies": [
                    {
                        "author": "fatima.diallo@example.org",
                        "body": (
                            "The doorway laptop will be taken by whoever sits nearest the door. A fixed "
                            "relay box would be better."
                        ),
                        "hours_after": 60,
                    },
                ],
            },
        ],
    },
    {
        "prototype": "classroom-mesh-network",
        "author": "nadia.haddad@example.org",
        "title": "Let children take their work with them when they change centres",
        "body": (
            "Children in our centres move often, sometimes with a week's notice. Their work stays on the "
            "laptop, which belongs to the centre.\n\n"
            "Could a child's folder be exported to something small that another centre's mesh can import?"
        ),
        "days_ago": 50,
        "votes": 7,
        "comments": [
            {
                "author": "developer@example.com",
                "body": (
                    "A QR code is too small for a portfolio, but a signed export file on a USB stick or a "
                    "phone would work. The contents would stay readable even without Kestrel software."
                ),
                "hours_after": 30,
                "replies": [],
            },
            {
                "author": "admin@example.com",
                "body": (
                    "There's a privacy side to this: the file will carry names and sometimes photos. We'll "
                    "write up how the export is protected before we build it."
                ),
                "hours_after": 70,
                "replies": [
                    {
                        "author": "nadia.haddad@example.org",
                        "body": "Please do. Some families do not want their location known.",
                        "hours_after": 90,
                    },
                ],
            },
        ],
    },
    {
        "prototype": "classroom-mesh-network",
        "author": "developer@example.com",
        "title": "Share one download of each update across the whole mesh",
        "body": (
            "Today every laptop downloads updates separately, which is impossible on a school's 1 GB monthly "
            "data bundle. The plan: the first laptop to fetch an update shares it with the rest of the mesh, "
            "and every machine checks the hashes before installing.\n\n"
            "It also means a teacher can bring an update from town on a USB stick and it spreads through the "
            "class."
        ),
        "days_ago": 30,
        "votes": 6,
        "comments": [
            {
                "author": "rafael.mendes@example.org",
                "body": "Yes please. We pay per megabyte on the satellite link.",
                "hours_after": 5,
                "replies": [],
            },
            {
                "author": "tomasz.kowalczyk@example.com",
                "body": (
                    "If the power dies halfway through, laptops must keep the old version working. I'll "
                    "review the A/B partition flow."
                ),
                "hours_after": 24,
                "replies": [
                    {
                        "author": "developer@example.com",
                        "body": "Agreed: A/B only, and no update is applied below 40% battery.",
                        "hours_after": 36,
                    },
                ],
            },
            {
                "author": "samuel.okeke@example.org",
                "body": (
                    "Could repair shops get the same cache? When I reflash a machine I don't want to "
                    "download 2 GB."
                ),
                "hours_after": 60,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "classroom-mesh-network",
        "author": "mateo.gutierrez@example.com",
        "title": "Character palette for Aymara and Quechua in mesh chat",
        "body": (
            "Mesh chat displays Aymara and Quechua characters correctly, but typing them needs dead keys "
            "that most children haven't learned. A small row of characters above the chat box would help.\n\n"
            "I'm happy to build it if the team agrees on where it should go."
        ),
        "days_ago": 22,
        "votes": 3,
        "comments": [
            {
                "author": "sofia.quispe@example.org",
                "body": "Yes please. The Aymara long vowels (ä, ï, ü) are the ones my pupils give up on.",
                "hours_after": 20,
                "replies": [],
            },
            {
                "author": "lin.mei@example.com",
                "body": (
                    "Let's put it in the on-screen keyboard strip so it works in every app, not only in chat."
                ),
                "hours_after": 40,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "classroom-mesh-network",
        "author": "kwame.asante@example.org",
        "title": "Does the mesh reach far enough for lessons under a tree?",
        "body": (
            "Several schools teach under trees when the classrooms are too hot. The class spreads out over "
            "30 to 40 metres. Does the mesh reach that far?"
        ),
        "days_ago": 7,
        "votes": 2,
        "comments": [
            {
                "author": "tomasz.kowalczyk@example.com",
                "body": (
                    "Outdoors with line of sight each hop reaches about 60 m, and the mesh relays beyond "
                    "that, so 40 m is fine. Bodies block the signal more than you'd think, so keep the "
                    "teacher's laptop raised."
                ),
                "hours_after": 10,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "classroom-mesh-network",
        "author": "admin@example.com",
        "title": "Which mesh features should we build next?",
        "body": (
            "We have more mesh requests than engineers. Please vote on the ideas for this prototype; we'll "
            "combine votes with pilot feedback to pick the next three. The current front-runners:\n\n"
            "1. teacher view of who has received a file\n"
            "2. boat and motorbike relays between schools\n"
            "3. a shared update cache\n\n"
            "If something important is missing, post it as a new idea."
        ),
        "days_ago": 2,
        "votes": 4,
        "comments": [
            {
                "author": "rafael.mendes@example.org",
                "body": "The boat relays, of course.",
                "hours_after": 3,
                "replies": [],
            },
            {
                "author": "customer@example.com",
                "body": "The teacher view. It saves lesson time every single day.",
                "hours_after": 8,
                "replies": [
                    {
                        "author": "admin@example.com",
                        "body": (
                            "Noted, both of you. The teacher view is already in progress, so it may not need "
                            "the vote."
                        ),
                        "hours_after": 12,
                    },
                ],
            },
        ],
    },

    # Rugged keyboard and case
    {
        "prototype": "rugged-keyboard-and-case",
        "author": "samuel.okeke@example.org",
        "title": "Use the same screw type everywhere",
        "body": (
            "The v0.9 sample had Phillips, Torx and tiny hex screws. Every market stall has a Phillips "
            "screwdriver; Torx bits are hard to find outside Lagos.\n\n"
            "One screw type throughout, please."
        ),
        "days_ago": 112,
        "votes": 17,
        "comments": [
            {
                "author": "designer@example.com",
                "body": (
                    "Done. The production design uses five M2.5 Phillips #1 screws, all the same length, so "
                    "none can go in the wrong hole."
                ),
                "hours_after": 48,
                "replies": [],
            },
            {
                "author": "rafael.mendes@example.org",
                "body": "This is part of why we chose Kestrel over the tablet offer. Thank you.",
                "hours_after": 200,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "rugged-keyboard-and-case",
        "author": "designer@example.com",
        "title": "Replaceable keyboard membrane",
        "body": (
            "Pilot keyboards wear out first on the space bar and on the most common vowels of each language. "
            "We propose making the rubber membrane a separate part, about $3, that clips in from the top "
            "without opening the case.\n\n"
            "Schools and repairers: would you keep spares, and how many per 40 laptops?"
        ),
        "days_ago": 100,
        "votes": 8,
        "comments": [
            {
                "author": "samuel.okeke@example.org",
                "body": "Three per 40 laptops. And sell them loose, at the same price everywhere.",
                "hours_after": 20,
                "replies": [],
            },
            {
                "author": "amina.otieno@example.org",
                "body": (
                    "We'll keep spares if the clip is obvious. The pilot laptops had a removable battery "
                    "that nobody dared to remove."
                ),
                "hours_after": 30,
                "replies": [
                    {
                        "author": "designer@example.com",
                        "body": (
                            "Fair. We'll mould an arrow and a \"lift here\" mark into the edge of the "
                            "membrane."
                        ),
                        "hours_after": 45,
                    },
                ],
            },
        ],
    },
    {
        "prototype": "rugged-keyboard-and-case",
        "author": "priya.raman@example.org",
        "title": "A lighter case for the long walk to school",
        "body": (
            "My son walks 3 km each way with his books and the laptop. At 1.6 kg it is the heaviest thing in "
            "his bag.\n\n"
            "Even 200 g less would matter. Could the handle be hollow, or the battery smaller for schools "
            "that charge on site?"
        ),
        "days_ago": 95,
        "votes": 7,
        "comments": [
            {
                "author": "designer@example.com",
                "body": (
                    "The production case comes in at 1.45 kg, 150 g lighter than the pilot sample, mostly "
                    "from a thinner back shell. The battery is the next heaviest part and we don't want to "
                    "shrink it."
                ),
                "hours_after": 40,
                "replies": [],
            },
            {
                "author": "joseph.mwangi@example.org",
                "body": "A shoulder strap would help more. Carrying it by the handle for 3 km hurts.",
                "hours_after": 70,
                "replies": [
                    {
                        "author": "designer@example.com",
                        "body": "The production handle has strap loops, and any standard bag strap fits.",
                        "hours_after": 80,
                    },
                ],
            },
        ],
    },
    {
        "prototype": "rugged-keyboard-and-case",
        "author": "sofia.quispe@example.org",
        "title": "Spanish keyboard with Aymara characters",
        "body": (
            "The pilot keyboards have an English layout. My pupils need ñ and accented vowels for Spanish, "
            "and the apostrophe and umlaut vowels for Aymara.\n\n"
            "A Latin American layout with a small set of stickers for Aymara would be enough."
        ),
        "days_ago": 88,
        "votes": 4,
        "comments": [
            {
                "author": "mateo.gutierrez@example.com",
                "body": (
                    "I maintain the software layouts. The Latin American layout with an AltGr layer for "
                    "Aymara already exists; only the printed keys are missing."
                ),
                "hours_after": 24,
                "replies": [
                    {
                        "author": "designer@example.com",
                        "body": (
                            "Production will have regional keyboards: English, French, Latin American "
                            "Spanish, Portuguese and Arabic. Schools in Peru get the Spanish one."
                        ),
                        "hours_after": 50,
                    },
                ],
            },
        ],
    },
    {
        "prototype": "rugged-keyboard-and-case",
        "author": "joseph.mwangi@example.org",
        "title": "Keys stick after a sweet tea spill",
        "body": (
            "Someone spilled sweet tea on one of the laptops in my sister's class. It still works, but three "
            "keys stick. Is the keyboard waterproof?"
        ),
        "days_ago": 84,
        "votes": 2,
        "comments": [
            {
                "author": "designer@example.com",
                "body": (
                    "The membrane is sealed, so the electronics are safe. The sticky keys are sugar under "
                    "the rubber. Unclip the membrane, wash it in warm soapy water, dry it in the shade and "
                    "clip it back."
                ),
                "hours_after": 6,
                "replies": [
                    {
                        "author": "joseph.mwangi@example.org",
                        "body": "It worked! The H key is a bit louder now, but fine.",
                        "hours_after": 30,
                    },
                ],
            },
            {
                "author": "samuel.okeke@example.org",
                "body": "Good to know. I'll tell my customers the same.",
                "hours_after": 40,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "rugged-keyboard-and-case",
        "author": "customer@example.com",
        "title": "Bright case colours so laptops don't go missing",
        "body": (
            "Two laptops in our district were sold in the market during the pilot. A bright colour and the "
            "school name moulded into the case would make them much harder to sell.\n\n"
            "The children would also enjoy choosing the colour."
        ),
        "days_ago": 105,
        "votes": 6,
        "comments": [
            {
                "author": "admin@example.com",
                "body": (
                    "Production will ship in five colours, and schools can have their name debossed on the "
                    "lid for orders of 50 or more."
                ),
                "hours_after": 50,
                "replies": [],
            },
            {
                "author": "samuel.okeke@example.org",
                "body": (
                    "From the market side: a marked case does put most sellers off. A serial number on the "
                    "motherboard helps too."
                ),
                "hours_after": 100,
                "replies": [],
            },
        ],
    },

    # Library and e-book reader
    {
        "prototype": "library-reader-app",
        "author": "lin.mei@example.com",
        "title": "Highlight each word as it is read aloud",
        "body": (
            "In the prototype, read-aloud plays a whole page without showing where it is. Early readers lose "
            "their place.\n\n"
            "Proposal: highlight each word as it is spoken, and let children tap a word to hear it on its "
            "own. This needs word timings from the speech engine, or aligned audio for human recordings."
        ),
        "days_ago": 68,
        "votes": 9,
        "comments": [
            {
                "author": "customer@example.com",
                "body": (
                    "Tap-to-hear would be wonderful for Chichewa, where we have very few books and many new "
                    "words."
                ),
                "hours_after": 20,
                "replies": [],
            },
            {
                "author": "developer@example.com",
                "body": (
                    "The speech engine already gives word timings. Human recordings need alignment, which an "
                    "open-source forced aligner can do on the teacher's laptop."
                ),
                "hours_after": 36,
                "replies": [],
            },
            {
                "author": "nadia.haddad@example.org",
                "body": "Please make sure the highlighting moves right to left for Arabic.",
                "hours_after": 90,
                "replies": [
                    {
                        "author": "lin.mei@example.com",
                        "body": "Yes, and we'll test it with your centre's Arabic books.",
                        "hours_after": 110,
                    },
                ],
            },
        ],
    },
    {
        "prototype": "library-reader-app",
        "author": "sofia.quispe@example.org",
        "title": "Let teachers make and record their own books in Aymara",
        "body": (
            "There are almost no children's books in Aymara. But I can write a short story and record myself "
            "reading it.\n\n"
            "If the reader let me photograph drawings, add text and my voice, and share the result over the "
            "mesh, my pupils would have a new book every week."
        ),
        "days_ago": 62,
        "votes": 16,
        "comments": [
            {
                "author": "lin.mei@example.com",
                "body": (
                    "This may be the most important idea on this prototype. We'll build a simple make-a-book "
                    "mode: pages with a photo, some text and a voice recording."
                ),
                "hours_after": 30,
                "replies": [],
            },
            {
                "author": "mateo.gutierrez@example.com",
                "body": (
                    "If the books are saved in the open format, we could also collect them, with permission, "
                    "into a shared Aymara library for other schools."
                ),
                "hours_after": 80,
                "replies": [
                    {
                        "author": "admin@example.com",
                        "body": (
                            "Yes, with clear consent from the teacher and the school. We'll draft a simple "
                            "licence form in Spanish and Aymara."
                        ),
                        "hours_after": 120,
                    },
                ],
            },
            {
                "author": "fatima.diallo@example.org",
                "body": "We have the same need for Wolof and Pulaar.",
                "hours_after": 140,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "library-reader-app",
        "author": "rafael.mendes@example.org",
        "title": "Add books from a USB stick in one step",
        "body": (
            "Our education department sends content on USB sticks twice a year. Adding books to the reader "
            "should be one step: plug in, choose the shelf, done.\n\n"
            "At the moment it needs the file manager, and the children's shelves don't update until a "
            "restart."
        ),
        "days_ago": 47,
        "votes": 5,
        "comments": [
            {
                "author": "developer@example.com",
                "body": (
                    "The restart bug is fixed in v0.2.1. One-step import from USB is in progress, and it "
                    "will check that the files are valid books before copying them."
                ),
                "hours_after": 18,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "library-reader-app",
        "author": "fatima.diallo@example.org",
        "title": "Picture-based reading report for parents",
        "body": (
            "Many parents in our programme cannot read French, but they still want to know whether their "
            "children are reading.\n\n"
            "A weekly report made of pictures, such as books finished and minutes read, that the child can "
            "show at home would help."
        ),
        "days_ago": 36,
        "votes": 3,
        "comments": [
            {
                "author": "lin.mei@example.com",
                "body": (
                    "A picture report is a lovely idea: a star for each book finished, a clock for minutes. "
                    "We'll avoid ranking children against each other."
                ),
                "hours_after": 24,
                "replies": [],
            },
            {
                "author": "amina.otieno@example.org",
                "body": (
                    "Please let the teacher turn it off for a child. Some children are punished at home for "
                    "not reading enough."
                ),
                "hours_after": 60,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "library-reader-app",
        "author": "amina.otieno@example.org",
        "title": "Assign books to reading groups, not only the whole class",
        "body": (
            "In a class of 70 we teach reading in four ability groups. I want to send a different book to "
            "each group's shelf.\n\n"
            "Groups must be easy to change, because children move up during the term."
        ),
        "days_ago": 28,
        "votes": 5,
        "comments": [
            {
                "author": "lin.mei@example.com",
                "body": (
                    "Groups will be drag and drop on the teacher's laptop, and each group gets its own "
                    "colour on the children's shelf."
                ),
                "hours_after": 12,
                "replies": [],
            },
            {
                "author": "customer@example.com",
                "body": "Yes. I use the same four groups in Standard 5.",
                "hours_after": 30,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "library-reader-app",
        "author": "joseph.mwangi@example.org",
        "title": "Let pupils review books for each other",
        "body": (
            "When I finish a book I want to tell my friends if it was good. Short reviews or stars on the "
            "class shelf would help us choose.\n\n"
            "The teacher could check the reviews before they appear."
        ),
        "days_ago": 11,
        "votes": 2,
        "comments": [
            {
                "author": "lin.mei@example.com",
                "body": (
                    "Teacher-approved reviews on the class shelf sound good. Would voice reviews help too, "
                    "for children who don't like typing?"
                ),
                "hours_after": 8,
                "replies": [
                    {
                        "author": "joseph.mwangi@example.org",
                        "body": "Voice is good for the younger ones. I prefer typing.",
                        "hours_after": 20,
                    },
                ],
            },
        ],
    },
    {
        "prototype": "library-reader-app",
        "author": "priya.raman@example.org",
        "title": "Large-text and high-contrast mode for children with low vision",
        "body": (
            "One girl in my daughter's class has low vision. She manages with large-print books, but the "
            "reader's largest size fits only a few words per line and the menus stay small.\n\n"
            "Could there be a mode where everything is large and high contrast, with audio for every book?"
        ),
        "days_ago": 5,
        "votes": 5,
        "comments": [
            {
                "author": "lin.mei@example.com",
                "body": (
                    "Thank you for raising this. We'll add a system-wide large mode that includes the menus, "
                    "plus a high-contrast theme; reflective mode already gives strong contrast."
                ),
                "hours_after": 10,
                "replies": [],
            },
            {
                "author": "ingrid.solberg@example.com",
                "body": (
                    "We'll also try the screen with a simple magnifying reading stand. Sometimes the "
                    "low-tech answer works best."
                ),
                "hours_after": 40,
                "replies": [],
            },
        ],
    },
    {
        "prototype": "library-reader-app",
        "author": "ingrid.solberg@example.com",
        "title": "Separate bookmarks for two children sharing one laptop",
        "body": (
            "In the pilot, 60% of laptops are shared by two children. When one child reads, the other's "
            "bookmark is overwritten, and they end up arguing about pages.\n\n"
            "Proposal: a quick \"who is reading?\" picker with two or three faces when the reader opens, "
            "each with their own bookmarks and progress."
        ),
        "days_ago": 0,
        "votes": 1,
        "comments": [
            {
                "author": "customer@example.com",
                "body": "Yes! This happens every day in my class.",
                "hours_after": 1,
                "replies": [],
            },
        ],
    },
]
