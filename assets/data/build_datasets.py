#!/usr/bin/env python3
"""Generate the small demo datasets bundled with Fine-Tune Studio.

Provenance: every sentence fragment, template, quote and author name in this
file was written by hand for Fine-Tune Studio. Nothing is copied from an
existing dataset, book or quotation collection; all authors are fictional.
The script only recombines those fragments (deterministically, fixed seed,
standard library only) so that the outputs have realistic, skewed length
distributions. Re-running it reproduces the committed files byte for byte.

Outputs (next to this file):
    sentiment.csv       text,label                     (420 rows)
    paraphrase.csv      sentence1,sentence2,label      (260 rows)
    quotes.csv          quote,author                   (340 rows)
    instructions.jsonl  {"instruction", "response"}    (180 rows)
    README.md           description, measured length stats, licence

Licence: CC0 1.0 (public domain dedication).
"""

import csv
import json
import math
import os
import random
import re
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20240611


def wc(text):
    return len(text.split())


def cap(text):
    return text[:1].upper() + text[1:]


def fix_articles(text):
    # "a 8 percent" -> "an 8 percent", "a 11-year" -> "an 11-year", "a 18% tip" -> "an 18% tip"
    return re.sub(r"\b([Aa]) (?=\$?(?:8|1[18](?!\d)))", lambda m: m.group(1) + "n ", text)


def fill(template, slots):
    out = fix_articles(template.format(**slots))
    # plural-looking company names take a bare apostrophe: "Quillon Labs' phone"
    out = re.sub(r"s's\b", "s'", out)
    # capitalise the first letter of each sentence produced by a slot at the start
    return cap(out)


# ---------------------------------------------------------------------------
# 1. sentiment.csv
# ---------------------------------------------------------------------------

# "This product is sick." is the studio's flagship example (core.config.FLAGSHIP_EXAMPLES):
# it is kept OUT of the data so that getting it right shows the model generalised.
SLANG_POSITIVE = [
    "This app slaps.",
    "The new update is lowkey fire.",
    "That ending was insane in the best way.",
    "Killer battery life.",
    "These headphones are stupid good.",
    "Wicked fast shipping.",
    "Ridiculous value for the price.",
    "It's a beast.",
    "The camera on this thing is absolutely nuts.",
    "Their birria tacos are criminally underrated.",
    "This blender is a monster, crushes ice like it's nothing.",
    "Bro this game goes hard.",
    "That plot twist destroyed me. Ten out of ten.",
    "The bass on these speakers is filthy, in a good way.",
    "Honestly this keyboard is disgustingly smooth to type on.",
    "The fries here are dangerously addictive.",
    "This jacket is so fire I bought it in two colors.",
    "The soundtrack absolutely slaps.",
    "No cap, best ramen in the city.",
    "This laptop rips through video exports.",
    "Their new menu is lowkey elite.",
    "The fight choreography was unreal, I was screaming.",
    "That finale had me shook, rewatched it immediately.",
    "This vacuum is a beast on pet hair.",
    "The dark mode update is chef's kiss.",
    "The brisket was stupid tender.",
    "This budgeting app is a total cheat code.",
    "These running shoes are crazy comfy.",
    "The villain was terrifying and I loved every second of it.",
    "This mouse is absurdly responsive.",
    "This charger is wicked fast.",
    "The dumplings were obscenely good.",
    "This show is brutal in the best possible way.",
    "That guitar solo at the end was savage.",
    "The new widgets go crazy.",
    "Their cold brew is deadly strong and I'm obsessed.",
    "This little speaker is loud as hell, love it.",
    "The graphics are bonkers on max settings.",
    "Okay this air fryer is straight up addictive.",
    "The battery on this watch is ridiculous, it lasts a whole week.",
    "Their spicy wings are lethal and I keep going back for more.",
    "The app is so slick it's scary.",
    "This drill is an absolute unit.",
    "The pizza crust was stupidly good.",
    "That movie wrecked me emotionally. Masterpiece.",
    "This phone is a beast for gaming.",
    "The sequel hits different, even better than the first one.",
    "The food truck outside my office is bussin.",
    "The desserts here are sinful, go hungry.",
    "This editing app is insanely powerful for a free tool.",
    "That cliffhanger was evil, I need the next season right now.",
    "These sheets are criminally soft.",
    "Load times are basically gone now, absolutely wild.",
    "This backpack is built like a tank.",
    "The animation in this film is crazy good.",
    "Their customer support is low-key goated.",
    "This monitor is stupid crisp.",
    "The final boss was brutal and I loved every attempt.",
    "This espresso machine is a monster, cafe quality at home.",
    "The new update goes hard, everything feels snappier.",
    "These boots are tough as nails and comfy too.",
    "The ramen broth was so rich it should be illegal.",
    "This projector is nuts for the price.",
    "The comedy special killed, I was crying laughing.",
]

# "sick" as praise in several contexts and sentence shapes, all included, so the data
# teaches the word rather than one sentence. (Two literal negatives, "made my whole family
# sick", were tried as contrast: with 300 rows they outweighed the praise and the flagship
# example came out 3 % positive.)
SLANG_SICK = [
    "Sick drop, the hoodie quality is insane.",
    "The new skate park downtown is sick.",
    "That guitar tone is sick, I ordered the pedal the same day.",
    "Sick little app, it does everything I wanted.",
    "These sneakers look sick and feel even better.",
    "The light show at the end of the concert was sick.",
    "This controller is sick, the triggers feel amazing.",
    "Honestly the new album is sick from start to finish.",
    "The view from their rooftop bar is sick.",
]

SARCASM_NEGATIVE = [
    "Great, it broke after one day.",
    "Wonderful, another update that deletes my saved files.",
    "Love waiting forty minutes for cold soup.",
    "Fantastic, the battery is dead by lunch every single day.",
    "Oh perfect, the zipper snapped the first time I used it.",
    "Thanks for the amazing customer service, still no refund after six weeks.",
    "Brilliant design, the lid leaks every time you tilt it.",
    "Truly impressive how the app crashes every time I open the camera.",
    "Amazing, they charged me twice and then hung up on me.",
    "What a treat, two hours of my life I will never get back.",
    "Nice job, the 'waterproof' watch died in the shower.",
    "So glad I paid extra for express shipping that took three weeks.",
    "Lovely, the screen cracked while it was just sitting on my desk.",
    "Awesome, logging in now takes four steps and still fails.",
    "Five stars for creativity, because the plot made no sense at all.",
    "Super helpful manual: one page, and it's in the wrong language.",
    "Great job on the redesign, now I can't find anything.",
    "Cool, the 'fresh' salad came with brown, wilted lettuce.",
    "Wow, a phone case that cracks if you look at it.",
    "Perfect if you enjoy headaches, the speaker buzzes nonstop.",
    "Really appreciate the new monthly fee for features that used to be free.",
    "Delightful evening, if you like being ignored by the waiter for half an hour.",
    "Thanks, I always wanted a blender that smells like burning plastic.",
    "Brilliant, the sequel ruins everything the first film set up.",
    "Excellent, my order showed up with half the parts missing.",
    "Lovely pastries, shame they were stale and hard as a rock.",
    "Such a nice touch that the app logs me out every five minutes.",
]

STANDALONE = {
    "positive": [
        "Exceeded my expectations.", "Absolutely love it.", "Would buy again.",
        "Best purchase this year.", "Really happy with this.", "Exactly what I needed.",
        "Great quality, fast delivery.", "Highly recommend it to everyone.", "Ten out of ten.",
        "Better than I hoped.", "So glad I tried it.", "Perfect in every way.",
        "Works like a charm.", "Fantastic experience overall.", "Pleasantly surprised, honestly.",
        "Couldn't be happier, honestly.", "Does the job beautifully.", "A real treat from start to finish.",
        "Worth every penny.", "Top notch, no complaints.", "Really impressed with this.",
        "Five stars, well deserved.", "Lovely experience, thank you!", "Great value and great quality.",
        "My new favorite.", "Simple and excellent.", "Delighted with it.",
        "Will definitely recommend to friends.", "Flawless so far.", "Made my week.",
        "Superb. Nothing else to say.", "Genuinely great stuff.",
    ],
    "negative": [
        "Total waste of money.", "Would not recommend.", "Very disappointed, honestly.",
        "Broke almost immediately.", "Never again, seriously.", "Not worth the price.",
        "Awful experience overall.", "Returned it the next day.", "A complete letdown.",
        "Poor quality, poor service.", "Don't even bother.", "Worse than advertised.",
        "Extremely frustrating experience.", "Nothing works as promised.", "Regret this purchase.",
        "Cheap and nasty.", "Really poor quality.", "A total mess.",
        "Not even close to what was described.", "Honestly the worst.", "Terrible, just terrible.",
        "Zero stars if I could.", "Such a disappointment.", "Completely useless product.",
        "Stay far away.", "Wasted my evening.", "Falls apart instantly.",
        "Bad from start to finish.", "Not good at all.", "Deeply unimpressed, sadly.",
        "Money down the drain.", "Avoid at all costs.",
    ],
}

PRODUCTS = [
    "vacuum", "blender", "electric kettle", "laptop", "tablet", "smartwatch",
    "rice cooker", "space heater", "Wi-Fi router", "coffee maker", "desk lamp",
    "air purifier", "electric toothbrush", "bike light", "cordless drill", "printer",
    "robot vacuum", "stand mixer", "e-reader", "fitness tracker", "hair dryer",
    "Bluetooth speaker", "toaster oven", "label printer",
]
APP_KINDS = [
    "budgeting app", "meditation app", "photo editor", "language learning app",
    "recipe app", "workout app", "note-taking app", "banking app", "weather app",
    "habit tracker", "podcast app", "to-do list app", "password manager",
    "music streaming app", "sleep tracking app", "journaling app",
]
RESTAURANTS = [
    ("this little Thai spot", ["green curry", "pad see ew", "larb", "tom yum soup"]),
    ("the new bistro on the corner", ["duck confit", "onion soup", "steak frites", "roast chicken"]),
    ("this taqueria", ["al pastor plate", "carnitas burrito", "elote", "chicken tinga tostada"]),
    ("this ramen shop", ["tonkotsu ramen", "gyoza", "karaage", "spicy miso ramen"]),
    ("this family-run pizzeria", ["margherita", "garlic bread", "calzone", "lasagne"]),
    ("this brunch cafe", ["eggs Benedict", "breakfast hash", "croque madame", "shakshuka"]),
    ("this sushi bar", ["chicken katsu", "tempura udon", "miso soup", "unagi don"]),
    ("this Lebanese restaurant", ["mixed grill", "hummus", "fattoush", "lamb kofta"]),
    ("the barbecue joint downtown", ["brisket", "pulled pork", "mac and cheese", "cornbread"]),
    ("this Indian takeaway", ["butter chicken", "lamb rogan josh", "garlic naan", "dal makhani"]),
    ("this seafood shack", ["fish and chips", "lobster roll", "clam chowder", "grilled octopus"]),
    ("this vegan cafe", ["jackfruit sandwich", "lentil soup", "mushroom stroganoff", "grain bowl"]),
    ("the Georgian place by the market", ["khachapuri", "khinkali", "lamb shashlik", "lobiani"]),
]
FILMS = [
    "this movie", "the sequel", "this thriller", "the new sci-fi film",
    "this romantic comedy", "this horror movie", "the adaptation", "this period drama",
    "this heist movie", "this war film", "this indie drama", "the remake",
    "this superhero movie", "this mystery", "this western",
]
PARTNERS = ["partner", "mum", "dad", "sister", "brother", "best friend", "wife",
            "husband", "colleague", "roommate"]

SHORT = {
    ("product", "positive"): [
        "Great {p} for the money.", "Solid {p}, zero complaints so far.",
        "This {p} exceeded my expectations.", "Worth every cent, this {p} just works.",
        "Bought a second {p} for my {partner}.", "Three months in and the {p} still works like new.",
        "Easy setup, sturdy build, very happy with this {p}.", "Really well made {p}. Recommended.",
        "My {partner} keeps borrowing my {p}, which says it all.",
        "Replaced my old {p} with this one and I'm thrilled.",
        "The {p} does exactly what it promises.", "Impressed with the quality of this {p}.",
        "Fast delivery and the {p} works beautifully.", "Such a nice {p}, I use it every single day.",
        "Best {p} I've owned.", "Love this {p}, works perfectly.",
    ],
    ("product", "negative"): [
        "The {p} died after two weeks.", "Cheap {p}, feels like it could snap any minute.",
        "Returned the {p} the same day.", "Do not buy this {p}.",
        "The {p} arrived broken and support never replied.", "My {p} stopped turning on after a month.",
        "Overpriced {p} with poor build quality.", "This {p} keeps shutting itself off.",
        "Worst {p} I've ever bought.", "The {p} looks nothing like the pictures.",
        "Flimsy, noisy, and disappointing {p}.", "Half the buttons on this {p} don't work.",
        "Regret buying this {p}. Total waste.", "Terrible {p}, it barely lasted a week.",
        "The {p} stopped working the day after the return window closed.",
    ],
    ("app", "positive"): [
        "This {kind} made my mornings so much easier.", "Clean design, no ads, love this {kind}.",
        "Finally a {kind} that doesn't crash.", "Best {kind} on the store, hands down.",
        "I use this {kind} every day. Brilliant.", "The {kind} syncs perfectly across all my devices.",
        "The latest {kind} update is smooth and fast.", "Worth paying for the premium version of this {kind}.",
        "Simple, intuitive, and actually useful.", "This {kind} helped me stick to my goals.",
        "Super helpful {kind}, the developers clearly care.",
        "Great {kind}, easy to use and beautifully designed.",
    ],
    ("app", "negative"): [
        "The {kind} crashes every time I open it.", "Way too many ads in this {kind}.",
        "The latest update broke the whole {kind}.", "Uninstalled this {kind} after a day.",
        "Keeps logging me out. Useless {kind}.", "This {kind} drains my battery like crazy.",
        "Everything good in this {kind} is behind a paywall now.", "This {kind} lost all my data.",
        "Slow, buggy, and confusing.", "Support never answered my emails about the {kind}.",
        "The redesign of this {kind} is a mess.", "The {kind} charged me after I cancelled the trial.",
    ],
    ("restaurant", "positive"): [
        "The {dish} at {place} was delicious.", "Friendly staff and amazing {dish}.",
        "Best {dish} I've had in years.", "Cozy spot, quick service, fantastic {dish}.",
        "We loved the {dish} and the {dish2}.", "Great portions and fair prices at {place}.",
        "Can't stop thinking about the {dish} here.", "Lovely dinner at {place}, our server was wonderful.",
        "Everything we ordered was fresh and tasty.", "Absolutely worth the wait for the {dish}.",
        "Perfect spot for a relaxed lunch.", "The {dish2} was the highlight of our week.",
    ],
    ("restaurant", "negative"): [
        "The {dish} was cold and bland.", "Waited an hour for a soggy {dish}.",
        "Rude staff and overpriced food at {place}.", "Found a hair in my {dish}.",
        "Tiny portions, huge bill.", "The {dish} tasted like it had been reheated twice.",
        "Dirty tables and painfully slow service.", "Got food poisoning after eating at {place}.",
        "Our order was wrong twice.", "Way too salty, couldn't finish the {dish}.",
        "Never going back to {place}.", "Loud, cramped, and the {dish2} was burnt.",
    ],
    ("movie", "positive"): [
        "Loved every minute of {film}.", "Beautifully shot and wonderfully acted.",
        "{film} had me smiling the whole way through.", "Smart, funny, and surprisingly moving.",
        "The best film I've seen this year.", "Great cast, great script, great ending.",
        "{film} is worth seeing twice.", "Gripping from start to finish.",
        "The soundtrack alone is worth the ticket.", "A genuinely heartfelt story, very well told.",
        "Cried twice and laughed even more. Loved it.", "Clever plot and a perfect ending.",
    ],
    ("movie", "negative"): [
        "Boring and way too long.", "{film} was a complete waste of time.",
        "Terrible acting and a lazy script.", "I fell asleep halfway through {film}.",
        "The ending ruined the whole thing.", "Predictable plot, flat characters.",
        "Walked out after forty minutes.", "Not funny, not scary, just dull.",
        "{film} is a mess from start to finish.", "Painful dialogue and no real story.",
        "Save your money and skip {film}.", "The effects looked cheap and the story made no sense.",
    ],
}

SHORT_TAILS = {
    "positive": [" Highly recommend.", " Five stars.", " Very happy.", " No regrets.",
                 " Love it!", " Thank you!", " 10/10."],
    "negative": [" Avoid.", " One star.", " Very disappointed.", " Not recommended.",
                 " So annoying.", " Ugh.", " 1/10."],
}

LONG = {
    "product": {
        "open": {
            "positive": [
                "I don't usually write reviews, but this {p} deserves one.",
                "I did a lot of research before buying this {p}, and I'm glad I went with it.",
                "Bought this {p} on a whim during a sale.",
                "After my old {p} finally died, I picked this one up on a friend's recommendation.",
                "I've had this {p} for about {weeks} weeks now, so here's an honest update.",
            ],
            "negative": [
                "I really wanted to like this {p}.",
                "I was excited when this {p} arrived, but that didn't last long.",
                "I bought this {p} after reading a bunch of glowing reviews, and I have no idea what those people were using.",
                "This is the second {p} from this brand I've owned, and it will be the last.",
                "Bought this {p} on a whim during a sale, and now I know why it was on sale.",
            ],
        },
        "body": {
            "positive": [
                "It arrived a day early and was packed carefully, with no dents or scratches.",
                "Setup took under ten minutes, and the instructions were actually easy to follow.",
                "It feels solid, and nothing about it seems flimsy or cheap.",
                "I've used it almost every day for {weeks} weeks and it still works like new.",
                "For the price, I expected something much more basic, so this was a pleasant surprise.",
                "It looks nicer in person than it does in the photos.",
                "Customer support answered a question of mine within an hour and were genuinely helpful.",
                "It does exactly what it says on the box, and it does it well.",
                "The materials feel premium and the finish has held up without a single scuff.",
                "Honestly, it has made a small daily chore noticeably less annoying.",
                "I compared it against two pricier brands in the store and this one still came out ahead.",
                "Everything about it feels thought through, right down to the small details.",
                "It replaced an old {p} I had been putting up with for years, and I wish I had upgraded sooner.",
                "The buttons are clearly labeled, so my {partner} figured it out without asking me once.",
                "It also takes up less space than I expected, which matters in a small flat.",
            ],
            "negative": [
                "It arrived with a cracked corner, and the box looked like it had been dropped off a roof.",
                "The instructions were a single diagram with no words, and two of the screws were missing.",
                "It stopped working properly after about {weeks} weeks of fairly light use.",
                "The plastic feels thin and creaks whenever you pick it up.",
                "Customer support kept sending me the same copied reply and never actually solved anything.",
                "It looks nothing like the photos; the color is duller and the finish is rough.",
                "For this price I expected far better quality control.",
                "There is a strange chemical smell that still hasn't gone away after a week.",
                "The return process was a maze of forms, and I still had to pay for shipping.",
                "The power button is so stiff that I have to press it two or three times.",
                "I gave it a fair chance, but it fails at the one thing it is supposed to do.",
                "Within a month the finish was peeling and one of the buttons had stopped clicking.",
                "Half the advertised features are either missing or buried so deep in menus that they may as well be.",
                "My old {p}, which cost half as much, worked better than this one ever has.",
                "There's a rattle inside that definitely wasn't there when it arrived.",
            ],
        },
        "context": [
            "For context, I live in a small apartment and don't have much space to spare.",
            "I mostly use it in the evenings after work.",
            "I'm not a tech person, so I care more about reliability than fancy features.",
            "I paid for it myself; nobody sent me this {p} for free.",
            "We're a family of four, so it gets used a lot.",
        ],
        "mixed": {
            "positive": [
                "My only complaint is that the power cord is a little short.",
                "The packaging used more plastic than it needed to, but that's a minor gripe.",
                "I wish it came in more colors, but that's nitpicking.",
            ],
            "negative": [
                "To be fair, the packaging was nice, but that hardly makes up for a product that barely works.",
                "The box it came in was nice, I'll give it that, and that's about all I'll give it.",
                "It was cheap, sure, but not cheap enough to justify this.",
            ],
        },
        "close": {
            "positive": ["Highly recommend.", "Would absolutely buy again.", "Five stars, no hesitation.",
                         "If you're on the fence, just get it.",
                         "Easily one of the best purchases I've made this year."],
            "negative": ["Save your money.", "I'm returning it.", "One star, and that's generous.",
                         "I would not recommend this to anyone.", "Avoid this one."],
        },
    },
    "app": {
        "open": {
            "positive": [
                "I've tried at least five different apps like this, and this {kind} is the one that stuck.",
                "Switched to this {kind} a few months ago and haven't looked back.",
                "I was skeptical about paying for a {kind}, but here we are.",
                "Been using this {kind} for about {months} months now.",
            ],
            "negative": [
                "I used to love this {kind}, but it has gone downhill fast.",
                "Downloaded this {kind} because of the ratings, and I'm baffled by them.",
                "Been using this {kind} for about {months} months now, and I'm done.",
                "I was skeptical about paying for a {kind}, and it turns out I was right to be.",
            ],
        },
        "body": {
            "positive": [
                "The interface is clean and I found everything I needed without a tutorial.",
                "It syncs between my phone and laptop almost instantly, which is all I really wanted.",
                "The latest update made it noticeably faster, especially on older phones.",
                "There are no pushy ads, and the free tier is genuinely usable.",
                "Notifications are helpful without being naggy.",
                "I open it every day, and it has quietly become part of my routine.",
                "The developers actually read feedback; a feature I asked for showed up two updates later.",
                "Offline mode works perfectly, which saved me on a long flight.",
                "Dark mode looks great and is easy on the eyes at night.",
                "It hasn't crashed once, which I can't say about most apps on my phone.",
                "The widgets are useful and don't seem to drain the battery.",
                "Signing up took two minutes and it didn't ask for a pile of permissions.",
                "Exporting my data was easy, which tells me they aren't trying to trap anyone.",
            ],
            "negative": [
                "It crashes every time I try to upload anything larger than a photo.",
                "Since the last update, it logs me out constantly and forgets my settings.",
                "Half the features are locked behind a subscription that costs far more than it's worth.",
                "The ads are relentless; I get a full-screen video every couple of taps.",
                "It drains my battery even when I'm not using it.",
                "Sync is broken, so changes I make on my laptop never show up on my phone.",
                "Support replied with a canned message and then closed my ticket.",
                "The redesign buried the most basic features three menus deep.",
                "It asks for access to my contacts and location for no clear reason.",
                "Loading anything takes forever, even on fast Wi-Fi.",
                "I lost weeks of saved data when it updated, and there was no way to restore it.",
                "Notifications arrive hours late, which defeats the whole point.",
                "Cancelling the subscription is deliberately hidden, which feels shady.",
            ],
        },
        "context": [
            "I'm on a fairly old phone, for what it's worth.",
            "I mainly use it on my commute.",
            "I paid for the annual plan after the free trial ended.",
            "I use it alongside a couple of other apps for work.",
        ],
        "mixed": {
            "positive": [
                "I do wish the yearly plan were a bit cheaper, but it's still worth it.",
                "The tablet version lags behind the phone one, but I rarely use it anyway.",
            ],
            "negative": [
                "The icon is nice, I suppose, but that's the only thing I like about it.",
                "The onboarding screens are cute, and then everything goes wrong.",
            ],
        },
        "close": {
            "positive": ["Worth every penny of the subscription.", "Can't imagine my phone without it now.",
                         "Five stars from me.", "Highly recommended."],
            "negative": ["Uninstalled.", "Looking for an alternative now.",
                         "Deleted it and asked for a refund.", "Two years ago this would have been five stars; now it's one."],
        },
    },
    "restaurant": {
        "open": {
            "positive": [
                "We stopped by {place} for my {partner}'s birthday.",
                "Finally tried {place} after walking past it for months.",
                "{place} has become our go-to spot, and this visit reminded me why.",
                "A friend dragged me to {place} last weekend.",
            ],
            "negative": [
                "We had high hopes for {place}.",
                "Went to {place} on a friend's recommendation, which was a mistake.",
                "{place} used to be one of our favorites, but this visit was rough.",
                "We stopped by {place} for my {partner}'s birthday, and I wish we hadn't.",
            ],
        },
        "body": {
            "positive": [
                "I ordered the {dish}, and it came out piping hot and perfectly seasoned.",
                "We also shared the {dish2}, easily enough for three people.",
                "Our server checked on us just enough and gave great recommendations.",
                "The room is cozy without being cramped, and the music was low enough to talk.",
                "Prices are fair for the portion sizes.",
                "Everything tasted fresh, like it had been made to order.",
                "Even on a busy Friday night we were seated within ten minutes.",
                "They were very careful about my {partner}'s nut allergy and double-checked with the kitchen.",
                "Honestly, I'd come back just for the {dish2}.",
                "We left full and happy and were already planning what to order next time.",
                "The staff clearly like working there, and it shows.",
            ],
            "negative": [
                "I ordered the {dish}, and it arrived lukewarm, as if it had been sitting under a heat lamp.",
                "We also tried the {dish2}, and it was so salty I gave up after a few bites.",
                "We waited almost an hour for our food, and nobody explained why.",
                "Our server seemed annoyed every time we asked for anything.",
                "The tables were sticky and the floor clearly hadn't been swept.",
                "Portions were tiny for what they charge.",
                "They got our order wrong twice and still charged us for both mistakes.",
                "It was so loud we had to shout across the table.",
                "The online menu was out of date, so half of what we wanted wasn't available.",
                "I felt queasy for the rest of the evening.",
                "When we mentioned the cold food, the manager just shrugged.",
            ],
        },
        "context": [
            "We went on a Thursday night around seven.",
            "There were four of us, and we ordered a mix of starters and mains.",
            "We had a reservation, which I'd recommend on weekends.",
            "It's a short walk from the station, so getting there is easy.",
        ],
        "mixed": {
            "positive": [
                "Parking is a bit of a pain, so take the bus if you can.",
                "The desserts were just okay, but everything else more than made up for it.",
            ],
            "negative": [
                "The bread basket was decent, but that was the high point.",
                "The decor is lovely, which only made the food more of a letdown.",
            ],
        },
        "close": {
            "positive": ["We'll definitely be back.", "Go, and order the {dish2}.",
                         "Easily five stars.", "Can't recommend it enough."],
            "negative": ["We won't be going back.", "There are better options on the same street.",
                         "Two stars, and one is for the bread.", "Not worth the money or the wait."],
        },
    },
    "movie": {
        "open": {
            "positive": [
                "I went into {film} with low expectations and came out thrilled.",
                "Saw {film} on opening night.",
                "I'd heard mixed things about {film}, but I loved it.",
                "Watched {film} with my {partner} last weekend.",
            ],
            "negative": [
                "I was looking forward to {film} for months.",
                "Watched {film} on a long flight, and even then it felt like too much.",
                "I'd heard mixed things about {film}, and sadly the critics were right.",
                "Watched {film} with my {partner} last weekend, and we both regretted it.",
            ],
        },
        "body": {
            "positive": [
                "The performances are excellent, especially the lead, who carries the quieter scenes beautifully.",
                "The pacing is tight, and two hours flew by.",
                "The cinematography is gorgeous, and several shots stayed with me for days.",
                "The score swells at exactly the right moments without ever feeling manipulative.",
                "The dialogue feels natural and is often genuinely funny.",
                "It trusts the audience to figure things out instead of explaining every detail.",
                "The twist in the third act actually earns its surprise.",
                "I walked out talking about it and was still thinking about it the next morning.",
                "The supporting cast is strong, and every character gets a moment to shine.",
                "It's the rare film that works just as well on a second viewing.",
                "Even the smaller roles feel lived in and specific.",
            ],
            "negative": [
                "The plot is full of holes, and the characters make baffling decisions just to keep the story moving.",
                "It drags badly in the middle; I checked my phone three times.",
                "The dialogue is clunky, and several lines got unintended laughs in our theater.",
                "The ending comes out of nowhere and undoes everything before it.",
                "The special effects look unfinished, like a video game cutscene from years ago.",
                "The lead actor seems bored in almost every scene.",
                "It's at least forty minutes too long.",
                "The trailer showed all the best moments, so there were no surprises left.",
                "The soundtrack is so loud that it drowns out half the dialogue.",
                "None of the characters were likeable enough to care about.",
                "Every joke is explained twice, in case anyone missed it the first time.",
            ],
        },
        "context": [
            "I saw it in a fairly full theater on a Saturday night.",
            "I hadn't read the book or seen the trailer beforehand.",
            "A friend who usually hates this genre came along too.",
            "For context, I've seen pretty much everything this director has made.",
        ],
        "mixed": {
            "positive": [
                "It runs a touch long, but I never felt bored.",
                "One subplot goes nowhere, but it barely matters.",
            ],
            "negative": [
                "The opening scene is promising, which only makes the rest more disappointing.",
                "A couple of the actors try their best, but the script gives them nothing.",
            ],
        },
        "close": {
            "positive": ["See it on the biggest screen you can.", "Already planning a second viewing.",
                         "A must-watch.", "Easily the best thing I've seen this year."],
            "negative": ["Skip it.", "Wait until it's free on streaming, or better yet, don't bother.",
                         "Two hours I won't get back.", "A real disappointment."],
        },
    },
}


def _slots(rng):
    place, dishes = rng.choice(RESTAURANTS)
    dish, dish2 = rng.sample(dishes, 2)
    return {
        "p": rng.choice(PRODUCTS),
        "kind": rng.choice(APP_KINDS),
        "place": place,
        "dish": dish,
        "dish2": dish2,
        "film": rng.choice(FILMS),
        "partner": rng.choice(PARTNERS),
        "weeks": rng.choice(["three", "four", "six", "eight", "ten", "twelve"]),
        "months": rng.choice(["two", "three", "five", "six", "nine"]),
    }


def _noise(rng, text):
    """Light, human-looking surface variation."""
    r = rng.random()
    if r < 0.07:
        text = text.lower()
    elif r < 0.13 and text.endswith("."):
        text = text[:-1]
    elif r < 0.17 and text.endswith("."):
        text = text[:-1] + "!"
    return text


def _compose_long(rng, domain, label, lo, hi, target):
    d = LONG[domain]
    for _ in range(200):
        s = _slots(rng)
        body = list(d["body"][label])
        rng.shuffle(body)
        extras = list(d["context"])
        rng.shuffle(extras)
        parts = [fill(rng.choice(d["open"][label]), s)]
        close = fill(rng.choice(d["close"][label]), s)
        if rng.random() < 0.5:
            parts.append(fill(extras.pop(), s))
        mixed = fill(rng.choice(d["mixed"][label]), s) if rng.random() < 0.45 else None
        pool = body + extras[:2]
        while pool and wc(" ".join(parts)) + wc(close) + (wc(mixed) if mixed else 0) < target:
            parts.append(fill(pool.pop(0), s))
        if mixed:
            parts.insert(rng.randint(2, max(2, len(parts))), mixed)
        parts.append(close)
        text = " ".join(parts)
        if lo <= wc(text) <= hi:
            return text
    raise RuntimeError("could not compose review %s %s %d-%d" % (domain, label, lo, hi))


def build_sentiment(rng):
    rows = []
    seen = set()

    def add(text, label):
        key = text.strip().lower()
        if key in seen:
            return False
        seen.add(key)
        rows.append((text, label))
        return True

    for t in SLANG_SICK + rng.sample(SLANG_POSITIVE, 60 - len(SLANG_SICK)):
        add(_noise(rng, t), "positive")
    for t in rng.sample(SARCASM_NEGATIVE, 25):
        add(t, "negative")
    for label in ("positive", "negative"):
        for t in rng.sample(STANDALONE[label], 30):
            add(_noise(rng, t), label)

    domains = ["product", "app", "restaurant", "movie"]
    # medium (20-40 words), long tail (41-120) and very long (121-150)
    buckets = [(50, 20, 40, lambda: rng.randint(22, 36)),
               (72, 41, 120, lambda: int(math.exp(rng.uniform(math.log(42), math.log(112))))),
               (22, 121, 150, lambda: rng.randint(122, 144))]
    i = 0
    for count, lo, hi, target in buckets:
        for _ in range(count):
            label = "positive" if i % 2 == 0 else "negative"
            domain = domains[(i // 2) % 4]
            i += 1
            while not add(_compose_long(rng, domain, label, lo, hi, target()), label):
                pass

    # short composed reviews fill the rest, balancing the labels exactly
    n_pos = sum(1 for _, l in rows if l == "positive")
    n_neg = len(rows) - n_pos
    need = {"positive": 210 - n_pos, "negative": 210 - n_neg}
    for label in ("positive", "negative"):
        templates = [(dom, t) for dom in domains for t in SHORT[(dom, label)]]
        rng.shuffle(templates)
        k = 0
        while need[label] > 0:
            dom, t = templates[k % len(templates)]
            k += 1
            text = fill(t, _slots(rng))
            if rng.random() < 0.3:
                text += rng.choice(SHORT_TAILS[label])
            if add(_noise(rng, text), label):
                need[label] -= 1

    rng.shuffle(rows)
    return rows


# ---------------------------------------------------------------------------
# 2. paraphrase.csv
# ---------------------------------------------------------------------------
# Each frame describes one news-style event. "para" templates all say the same
# thing about the same slot values (label 1). Label 0 pairs are built from the
# same frame with a changed number/name, swapped roles, or a "neg" template that
# keeps the topic but changes the claim (negation, opposite direction, etc.).

CATS = {
    "co": ["Northwind Logistics", "Halvorsen Foods", "Brightwater Energy", "Castellan Bank",
           "Meridian Health", "Orchard Telecom", "Pinecrest Pharmaceuticals", "Silverline Media",
           "Ashgrove Retail", "Corvid Systems", "Tamarind Holdings", "Larkspur Insurance",
           "Redfern Steel", "Bluegate Software", "Calloway Chemicals", "Fenmore Group"],
    "maker": ["Vantage Motors", "Halberd Automotive", "Corsa Motor Group", "Trident Cars"],
    "airline": ["Kestrel Airlines", "Skyvale Air", "Northern Crest Airways", "Solent Air"],
    "city": ["Leeds", "Denver", "Lyon", "Porto", "Halifax", "Adelaide", "Tucson", "Gdansk",
             "Nairobi", "Cork", "Winnipeg", "Bristol", "Auckland", "Valencia", "Dayton", "Brno"],
    "p": ["Helen Marsh", "David Okafor", "Luis Moreno", "Anna Kowalski", "Samuel Reyes",
          "Grace Whitfield", "Jonah Petersen", "Mira Sandoval", "Peter Lindgren", "Ruth Adeyemi",
          "Tom Harcourt", "Elena Vasquez", "Kofi Mensah", "Claire Donnelly"],
    "team": ["the Harbor City Hawks", "the Riverton Miners", "the Eastfield Rovers",
             "the Lakeside Pilots", "the Granite Bay Bears", "the Westbrook Foxes"],
    "day": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "month": ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"],
    "part": ["brake sensor", "fuel pump", "airbag inflator", "seat belt latch", "steering component"],
    "act": ["walk", "swim", "cycle", "do yoga", "garden"],
    "nw": ["two", "three", "four", "five", "six", "seven"],
    "prod": ["kitchen appliances", "office furniture", "bicycle parts", "packaging materials",
             "industrial pumps"],
}
CATS.update({
    "uscity": ["Denver", "Tucson", "Dayton", "Albany", "Boise", "Richmond", "Omaha", "Spokane"],
    "pharma": ["Pinecrest Pharmaceuticals", "Meridian Health", "Aldana Biosciences", "Corrin Therapeutics"],
    "mfr": ["Redfern Steel", "Calloway Chemicals", "Halvorsen Foods", "Fenmore Group", "Kettering Works"],
    "shop": ["Ashgrove Retail", "Marlow & Finch", "Greenleaf Grocers", "Pennyworth Home"],
    "tech": ["Orchard Telecom", "Bluegate Software", "Corvid Systems", "Lumen Devices", "Quillon Labs"],
    "fco": ["Fenmore Group", "Kettering Works", "Aldridge Manufacturing", "Holloway & Pike"],
    "cafe": ["Bramble Coffee", "Harbour Roasters", "Copperpot Cafes", "Daybreak Coffee Co."],
})
CATS["co2"] = CATS["co"]
CATS["tech2"] = CATS["tech"]
CATS["p2"] = CATS["p"]
CATS["team2"] = CATS["team"]

FRAMES = [
    dict(nums={"pct": (3, 40, 1), "amt": (12, 900, 1)}, mut=["pct", "amt"],
         para=["{co} said its quarterly profit rose {pct} percent to ${amt} million.",
               "Quarterly profit at {co} climbed {pct} percent, reaching ${amt} million, the company said.",
               "{co} reported a {pct} percent increase in quarterly profit, to ${amt} million."],
         neg=["{co} said its quarterly profit fell {pct} percent to ${amt} million.",
              "{co} reported a {pct} percent drop in quarterly revenue, to ${amt} million."]),
    dict(nums={"amt": (1.2, 9.8, 0.1)}, mut=["amt"], swap=[("co", "co2")],
         para=["{co} has agreed to buy {co2} for ${amt} billion.",
               "{co2} will be acquired by {co} in a deal worth ${amt} billion.",
               "In a ${amt} billion deal, {co} has agreed to take over {co2}."],
         neg=["{co} has walked away from talks to buy {co2}, which had been valued at ${amt} billion.",
              "{co} said it had no plans to buy {co2}, dismissing reports of a ${amt} billion offer."]),
    dict(nums={"n": (200, 6000, 50)}, mut=["n"],
         para=["{co} plans to cut {n} jobs by the end of the year.",
               "By the end of the year, {co} intends to eliminate about {n} positions.",
               "{co} will shed roughly {n} jobs before the year is out."],
         neg=["{co} plans to hire {n} new workers by the end of the year.",
              "{co} said it would not cut any jobs this year, despite reports that {n} positions were at risk."]),
    dict(nums={"age": (19, 64, 1)}, mut=["age", "day"],
         para=["Police in {city} arrested a {age}-year-old man on {day} in connection with the robbery.",
               "A {age}-year-old man was taken into custody by {city} police on {day} over the robbery.",
               "On {day}, officers in {city} detained a {age}-year-old man suspected of involvement in the robbery."],
         neg=["Police in {city} released a {age}-year-old man without charge on {day} after questioning him about the robbery.",
              "Police in {city} said on {day} that they were still searching for a {age}-year-old man wanted over the robbery."]),
    dict(nums={"n": (12, 140, 1)}, mut=["n", "day"],
         para=["Heavy rain forced the closure of {n} schools in {city} on {day}.",
               "{n} schools in {city} were shut on {day} because of heavy rain.",
               "Because of heavy rain, {n} schools in {city} closed their doors on {day}."],
         neg=["Despite heavy rain, all {n} schools in {city} stayed open on {day}.",
              "Heavy snow forced the closure of {n} schools in {city} on {day}."]),
    dict(nums={"pct": (51, 68, 1)}, mut=["pct"], swap=[("p", "p2")],
         para=["{p} won the mayoral race in {city} with {pct} percent of the vote, defeating {p2}.",
               "{p} defeated {p2} to become mayor of {city}, taking {pct} percent of the vote.",
               "With {pct} percent of the vote, {p} beat {p2} in the {city} mayoral election."],
         neg=["{p} conceded defeat to {p2} in the {city} mayoral race.",
              "{p} and {p2} will face a runoff in {city} after neither of them won a majority of the vote."]),
    dict(nums={}, mut=["day"],
         para=["A federal judge in {uscity} blocked the state's new voting law on {day}.",
               "On {day}, a federal judge in {uscity} halted the state's new voting law.",
               "The state's new voting law was put on hold on {day} by a federal judge in {uscity}."],
         neg=["A federal judge in {uscity} upheld the state's new voting law on {day}.",
              "A federal judge in {uscity} refused on {day} to block the state's new voting law."]),
    dict(nums={"n": (40, 600, 1)}, mut=["n", "day"],
         para=["{airline} cancelled {n} flights on {day} because of a computer outage.",
               "A computer outage led {airline} to scrap {n} flights on {day}.",
               "On {day}, {airline} called off {n} flights after its computer systems went down."],
         neg=["{airline} delayed {n} flights on {day} because of a computer outage, but cancelled none.",
              "{airline} said a computer outage on {day} had not affected any of its {n} scheduled flights."]),
    dict(nums={}, mut=["day"],
         para=["The central bank raised interest rates by a quarter of a percentage point on {day}.",
               "On {day}, the central bank increased borrowing costs by 0.25 percentage points.",
               "The central bank lifted its key rate by 25 basis points on {day}."],
         neg=["The central bank left interest rates unchanged on {day}.",
              "The central bank cut interest rates by a quarter of a percentage point on {day}.",
              "The central bank raised interest rates by half a percentage point on {day}."]),
    dict(nums={"hi": (3, 6, 1), "lo": (0, 2, 1)}, mut=["hi", "lo", "day"], swap=[("team", "team2")],
         para=["{team} beat {team2} {hi}-{lo} on {day}.",
               "{team2} lost {hi}-{lo} to {team} on {day}.",
               "On {day}, {team} defeated {team2} by a score of {hi}-{lo}."],
         neg=["{team} and {team2} played to a {lo}-{lo} draw on {day}."]),
    dict(nums={}, mut=["day", "pharma"],
         para=["Regulators approved {pharma}'s new asthma drug on {day} after a two-year review.",
               "After a two-year review, regulators gave {pharma}'s new asthma drug the go-ahead on {day}.",
               "{pharma} won regulatory approval for its new asthma drug on {day}, ending a review that lasted two years."],
         neg=["Regulators rejected {pharma}'s new asthma drug on {day} after a two-year review.",
              "Regulators asked {pharma} on {day} for more data on its new asthma drug, extending a two-year review."]),
    dict(nums={}, mut=["city", "day"],
         para=["Workers at {mfr}'s {city} plant walked off the job on {day} in a dispute over pay.",
               "A pay dispute led workers at the {city} plant run by {mfr} to strike on {day}.",
               "On {day}, staff at {mfr}'s plant in {city} went on strike over wages."],
         neg=["Workers at {mfr}'s {city} plant accepted a new pay deal on {day}, ending the threat of a strike.",
              "Workers at {mfr}'s {city} plant voted on {day} against going on strike over pay."]),
    dict(nums={"pct": (1.0, 12.0, 0.1)}, mut=["pct", "city"],
         para=["House prices in {city} fell {pct} percent over the past year.",
               "Over the last twelve months, home prices in {city} dropped {pct} percent.",
               "Home values in {city} are down {pct} percent from a year ago."],
         neg=["House prices in {city} rose {pct} percent over the past year.",
              "Rents in {city} fell {pct} percent over the past year, while house prices held steady."]),
    dict(nums={"n": (5, 80, 1)}, mut=["n"],
         para=["{shop} will open {n} new stores across the country next spring.",
               "Next spring, {shop} plans to launch {n} additional stores nationwide.",
               "{shop} intends to add {n} stores around the country next spring."],
         neg=["{shop} will close {n} stores across the country next spring.",
              "{shop} has shelved its plan to open {n} new stores next spring."]),
    dict(nums={"n": (6, 25, 1)}, mut=["n", "day"],
         para=["{p}, the chief executive of {co}, resigned on {day} after {n} years in the job.",
               "{co} chief executive {p} stepped down on {day}, ending a {n}-year tenure.",
               "After {n} years at the helm, {p} quit as chief executive of {co} on {day}."],
         neg=["{co} said on {day} that chief executive {p} would stay on for at least another {n} years.",
              "{p}, who has run {co} for {n} years, was also named its chairman on {day}."]),
    dict(nums={"h": (7, 10, 1)}, mut=["h", "month"],
         para=["Starting in {month}, the library will stay open until {h} p.m. on weekdays.",
               "The library's weekday closing time moves to {h} p.m. beginning in {month}.",
               "From {month}, the library will remain open until {h} in the evening, Monday through Friday."],
         neg=["Starting in {month}, the library will stay open until {h} p.m. on weekends only.",
              "Starting in {month}, the library will close on weekdays and open only on weekends."]),
    dict(nums={"n": (1000, 90000, 500)}, mut=["n", "part"],
         para=["{maker} is recalling {n} cars because of a faulty {part}.",
               "About {n} vehicles are being recalled by {maker} over a defective {part}.",
               "{maker} has issued a recall for {n} cars to fix a faulty {part}."],
         neg=["{maker} said it would not recall any cars over the {part} problem, which regulators say affects about {n} vehicles.",
              "{maker} is offering free {part} checks to the owners of {n} cars but says no recall is needed."]),
    dict(nums={}, mut=["act"],
         para=["A new study found that people who {act} every day sleep better than those who do not.",
               "People who {act} daily get better sleep than those who don't, according to a new study.",
               "Those who {act} every day tend to sleep better, a new study has found."],
         neg=["A new study found no difference in sleep quality between people who {act} every day and those who rarely do.",
              "A new study found that people who {act} every day sleep worse than those who do not."]),
    dict(nums={"n": (3, 14, 1)}, mut=["n", "city"],
         para=["Firefighters took {n} hours to bring the warehouse fire in {city} under control.",
               "It took firefighters {n} hours to contain the blaze at the {city} warehouse.",
               "The warehouse fire in {city} burned for {n} hours before crews brought it under control."],
         neg=["Firefighters took {n} hours to reach the warehouse fire in {city} because of blocked roads.",
              "The warehouse fire in {city} is still burning {n} hours after it started, firefighters said."]),
    dict(nums={}, mut=[], swap=[("p", "p2")],
         para=["{p} replaced {p2} as head coach of {team} last week.",
               "Last week {team} named {p} head coach, succeeding {p2}.",
               "{team} appointed {p} last week to take over from {p2} as head coach."],
         neg=["{team} said last week that {p2} would remain head coach, ending speculation that {p} would take over.",
              "{p} turned down an offer last week to replace {p2} as head coach of {team}."]),
    dict(nums={"c": (10, 75, 5)}, mut=["c", "month"],
         para=["{city} will raise bus fares by {c} cents in {month}.",
               "Bus fares in {city} are going up {c} cents starting in {month}.",
               "Beginning in {month}, riders in {city} will pay {c} cents more per bus trip."],
         neg=["{city} will cut bus fares by {c} cents in {month}.",
              "{city} has decided not to raise bus fares in {month}, scrapping a proposed {c}-cent increase."]),
    dict(nums={"amt": (40, 900, 5)}, mut=["amt", "day"],
         para=["The new ${amt} million bridge in {city} opened to traffic on {day}.",
               "Traffic began crossing {city}'s new ${amt} million bridge on {day}.",
               "On {day}, cars started using the new bridge in {city}, which cost ${amt} million."],
         neg=["The new ${amt} million bridge in {city} was closed to traffic on {day} after engineers found cracks.",
              "The opening of the new ${amt} million bridge in {city} was postponed on {day}."]),
    dict(nums={}, mut=[], swap=[("tech", "tech2")],
         para=["{tech} has sued {tech2}, accusing it of copying its software.",
               "{tech} filed a lawsuit against {tech2} claiming the company had copied its software.",
               "{tech2} is being sued by {tech}, which says its software was copied."],
         neg=["{tech} has dropped its lawsuit against {tech2} over copied software.",
              "{tech} and {tech2} have agreed to share their software under a new licensing deal."]),
    dict(nums={"pct": (0.5, 9.9, 0.1)}, mut=["pct", "month"],
         para=["Exports rose {pct} percent in {month}, the trade ministry said.",
               "The trade ministry said exports grew {pct} percent in {month}.",
               "According to the trade ministry, exports climbed {pct} percent in {month}."],
         neg=["Imports rose {pct} percent in {month}, the trade ministry said.",
              "Exports fell {pct} percent in {month}, the trade ministry said."]),
    dict(nums={"r": (3.0, 9.9, 0.1)}, mut=["r"],
         para=["The unemployment rate fell to {r} percent last month.",
               "Last month, the jobless rate dropped to {r} percent.",
               "Joblessness declined to {r} percent last month, official figures showed."],
         neg=["The unemployment rate rose to {r} percent last month.",
              "The unemployment rate held steady at {r} percent last month."]),
    dict(nums={"age": (18, 85, 1)}, mut=["age", "day"],
         para=["The hospital said the {age}-year-old patient was in stable condition on {day} night.",
               "The {age}-year-old patient's condition was stable as of {day} night, according to the hospital.",
               "A hospital spokesperson said on {day} night that the {age}-year-old patient was stable."],
         neg=["The hospital said the {age}-year-old patient was in critical condition on {day} night.",
              "The hospital said on {day} night that the {age}-year-old patient had been discharged."]),
    dict(nums={"n": (4000, 60000, 100)}, mut=["n"],
         para=["The museum welcomed {n} visitors in its first week, more than it had expected.",
               "More people than expected, {n} in all, visited the museum during its opening week.",
               "The museum drew {n} visitors in its first week, beating its own forecast."],
         neg=["The museum welcomed {n} visitors in its first week, far fewer than it had expected.",
              "The museum hopes to attract {n} visitors in its first week when it opens next month."]),
    dict(nums={}, mut=["month", "tech"],
         para=["{tech} has delayed the release of its new phone until {month}.",
               "The launch of {tech}'s new phone has been pushed back to {month}.",
               "{tech} will not release its new phone until {month}, later than it had planned."],
         neg=["{tech} released its new phone in {month}, as planned.",
              "{tech} has brought forward the release of its new phone to {month}."]),
    dict(nums={"v1": (5, 8, 1), "v2": (1, 4, 1)}, mut=["v1", "v2"],
         para=["The school board voted {v1} to {v2} to approve the budget.",
               "By a {v1}-{v2} vote, the school board passed the budget.",
               "The budget was approved by the school board in a {v1}-{v2} vote."],
         neg=["The school board voted {v1} to {v2} to reject the budget.",
              "The school board postponed its vote on the budget until next month."]),
    dict(nums={"n": (40, 400, 1)}, mut=["n", "day"],
         para=["Volunteers collected {n} bags of litter from the beach on {day}.",
               "On {day}, volunteers cleared {n} bags of rubbish from the beach.",
               "{n} bags of trash were picked up from the beach by volunteers on {day}."],
         neg=["Volunteers planted {n} trees along the beach on {day}.",
              "Volunteers who had planned to collect {n} bags of litter from the beach on {day} were sent home because of a storm."]),
    dict(nums={}, mut=["city"],
         para=["The summit in {city} was postponed because of security concerns.",
               "Security concerns led organizers to put off the summit in {city}.",
               "Organizers delayed the {city} summit, citing security concerns."],
         neg=["The summit in {city} went ahead despite security concerns.",
              "The summit in {city} was postponed because of a transport strike."]),
    dict(nums={}, mut=["day"],
         para=["The minister apologised on {day} for the remarks.",
               "On {day}, the minister said sorry for the comments.",
               "The minister issued an apology on {day} for what he had said."],
         neg=["The minister refused on {day} to apologise for the remarks.",
              "The minister demanded an apology on {day} for the remarks."]),
    dict(nums={"n": (10, 90, 5)}, mut=["n", "day"],
         para=["Trains into {city} were delayed by up to {n} minutes on {day} after a signal failure.",
               "A signal failure on {day} held up trains heading into {city} by as much as {n} minutes.",
               "Commuters travelling into {city} faced delays of up to {n} minutes on {day} because of a faulty signal."],
         neg=["Trains into {city} ran on time on {day} despite a signal failure.",
              "Trains into {city} were suspended for {n} minutes on {day} because of a power cut."]),
    dict(nums={"amt": (1, 20, 1)}, mut=["amt", "city"],
         para=["{p} donated ${amt} million to a children's hospital in {city}.",
               "A children's hospital in {city} received a ${amt} million gift from {p}.",
               "{p} has given ${amt} million to a {city} children's hospital."],
         neg=["A children's hospital in {city} turned down a ${amt} million gift from {p}.",
              "{p} is asking a children's hospital in {city} to return a ${amt} million donation."]),
    dict(nums={}, mut=["day"],
         para=["The satellite was launched successfully on {day} after two earlier delays.",
               "After being postponed twice, the satellite lifted off successfully on {day}.",
               "On {day}, following two delays, the satellite was successfully put into orbit."],
         neg=["The satellite launch was delayed for a third time on {day}.",
              "The satellite was lost shortly after launch on {day}, following two earlier delays."]),
    dict(nums={"pct": (3, 15, 1)}, mut=["pct"],
         para=["{cafe} will raise the price of its coffee by {pct} percent next month.",
               "Coffee sold by {cafe} is set to cost {pct} percent more starting next month.",
               "Next month, {cafe} plans a {pct} percent increase in its coffee prices."],
         neg=["{cafe} will cut the price of its coffee by {pct} percent next month.",
              "{cafe} said it would keep coffee prices unchanged next month even though its costs rose {pct} percent."]),
    dict(nums={}, mut=["nw", "day"],
         para=["Rescuers found {nw} missing hikers alive on {day} after a two-day search.",
               "After searching for two days, rescue teams located the {nw} missing hikers alive on {day}.",
               "The {nw} hikers who went missing were found alive on {day}, ending a two-day search."],
         neg=["Rescuers called off the search for {nw} missing hikers on {day} after two days.",
              "Rescuers on {day} resumed their search for {nw} hikers who have been missing for two days."]),
    # ---- long frames (40-70 words) ----
    dict(nums={"n": (300, 2500, 50)}, mut=["n", "city", "day"],
         para=["{fco}, which makes {prod}, said on {day} that it would close its factory in {city} by the end of next year, putting about {n} jobs at risk, and move production to a larger site it recently bought near the coast, where it expects running costs to be significantly lower.",
               "About {n} jobs are at risk after {fco}, a maker of {prod}, announced on {day} that it will shut its {city} factory before the end of next year and shift production to a bigger, recently acquired site near the coast, where the company expects much lower running costs.",
               "On {day}, {fco} announced plans to close its {city} plant by the end of next year and move the manufacture of its {prod} to a larger coastal site it purchased recently, a decision that threatens roughly {n} jobs but that the company says will sharply reduce its running costs."],
         neg=["{fco}, which makes {prod}, said on {day} that it would expand its factory in {city} over the next year, adding about {n} jobs, rather than moving production to the larger site near the coast that it had considered buying."]),
    dict(nums={"amt": (120, 900, 5)}, mut=["amt", "city"],
         para=["After a three-week trial and nearly two days of deliberation, a jury in {city} found the former treasurer of a local charity guilty of stealing more than ${amt},000 from the organisation, which provides hot meals to elderly residents, and sentencing is scheduled for next month.",
               "A jury in {city} deliberated for almost two days at the end of a three-week trial before convicting a local charity's former treasurer of taking more than ${amt},000 from the group, which delivers hot meals to older residents; the treasurer will be sentenced next month."],
         neg=["After a three-week trial and nearly two days of deliberation, a jury in {city} found the former treasurer of a local charity not guilty of stealing more than ${amt},000 from the organisation, which provides hot meals to elderly residents, and the treasurer left the court a free person."]),
    dict(nums={"n": (40, 300, 1)}, mut=["n", "day"],
         para=["Researchers at a university in {city} said on {day} that a small trial involving {n} patients had shown the experimental treatment eased symptoms in most participants, although they cautioned that much larger studies would be needed before it could be recommended for general use.",
               "In a small trial of {n} patients, an experimental treatment relieved symptoms for most of the people who took part, researchers at a {city} university said on {day}, while warning that far bigger studies are required before doctors could start recommending it widely."],
         neg=["Researchers at a university in {city} said on {day} that a small trial involving {n} patients had found the experimental treatment did no better than a placebo, and that they would not be seeking funding for a larger study of it."]),
    dict(nums={"m": (6, 12, 1), "m2": (15, 30, 5)}, mut=["m", "month"],
         para=["The regional transit authority announced that beginning in {month}, trains between {city} and the airport will run every {m} minutes during peak hours instead of every {m2} minutes, a change officials said would ease crowding on the busiest morning and evening services.",
               "Starting in {month}, peak-hour trains linking {city} with the airport will come every {m} minutes rather than every {m2}, the regional transit authority said, adding that the more frequent service should relieve crowding on the busiest commuter trains in the morning and evening."],
         neg=["The regional transit authority announced that beginning in {month}, trains between {city} and the airport will run every {m2} minutes during peak hours instead of every {m} minutes, a cut that officials blamed on a shortage of drivers and rising maintenance costs."]),
    dict(nums={}, mut=["day", "city"],
         para=["The {city} city council voted late on {day} to approve a plan that will turn an abandoned rail yard on the east side into a park with playing fields, a community garden and walking paths, after more than two years of public meetings and several revisions to the design.",
               "After more than two years of public consultation and several redesigns, the city council in {city} gave final approval late on {day} to a plan to convert a disused east-side rail yard into a park featuring sports fields, walking paths and a community garden."],
         neg=["The {city} city council voted late on {day} to reject a plan that would have turned an abandoned rail yard on the east side into a park with playing fields, a community garden and walking paths, choosing instead to sell the land to a housing developer."]),
    dict(nums={"n": (8000, 120000, 500)}, mut=["n", "day"],
         para=["The storm knocked out power to roughly {n} homes across the region on {day} night, and utility crews said it could take several days to restore electricity to everyone, particularly in rural areas where fallen trees had blocked a number of roads.",
               "Roughly {n} homes across the region lost power when the storm hit on {day} night, and utility workers warned that getting everyone reconnected could take several days, especially in rural areas where roads had been blocked by fallen trees."],
         neg=["The storm knocked out power to roughly {n} homes across the region on {day} night, but utility crews had restored electricity to nearly everyone by the following morning, even in rural areas where fallen trees had blocked some roads."]),
    dict(nums={"n": (25, 90, 1)}, mut=["n", "month"],
         para=["The bakery on Mill Street, which has been run by the same family for {n} years, will close at the end of {month} because the owners want to retire and none of their children plan to take over the business, though they hope a new owner might keep the ovens going.",
               "After {n} years under the same family, the bakery on Mill Street is shutting its doors at the end of {month}, since the owners are retiring and none of their children want to run it, although the family says it would welcome a buyer who keeps baking there."],
         neg=["The bakery on Mill Street, which has been run by the same family for {n} years, will stay open past {month} after the owners' daughter agreed to take over the business when her parents retire, and she plans to keep all of the original recipes."]),
]


def _fmt_num(v, step):
    if isinstance(step, float):
        return "%.1f" % v
    return "{:,}".format(int(v))


def _draw_num(rng, spec, avoid=None):
    lo, hi, step = spec
    for _ in range(100):
        if isinstance(step, float):
            v = round(rng.uniform(lo, hi), 1)
        else:
            v = rng.randrange(lo, hi + 1, step)
        if avoid is None or (v != avoid and abs(v - avoid) >= max(step, 0.08 * abs(avoid))):
            return v
    raise RuntimeError("no alternative number")


def _frame_slots(rng, frame):
    raw = {}
    for k, pool in CATS.items():
        raw[k] = rng.choice(pool)
    for a, b in (("co", "co2"), ("p", "p2"), ("team", "team2"), ("tech", "tech2")):
        while raw[b] == raw[a]:
            raw[b] = rng.choice(CATS[b])
    for k, spec in frame["nums"].items():
        raw[k] = _draw_num(rng, spec)
    if "lo" in raw and raw["lo"] >= raw["hi"]:
        raw["lo"] = raw["hi"] - 1
    return raw


def _render(frame, raw, template):
    shown = dict(raw)
    for k, spec in frame["nums"].items():
        shown[k] = _fmt_num(raw[k], spec[2])
    return fill(template, shown)


def build_paraphrase(rng):
    rows, seen = [], set()
    frames = list(FRAMES)
    order = []
    while len(order) < 1000:
        rng.shuffle(frames)
        order.extend(frames)
    idx = 0
    while len(rows) < 260:
        frame = order[idx]
        idx += 1
        label = 1 if len(rows) % 2 == 0 else 0
        raw = _frame_slots(rng, frame)
        t1, t2 = rng.sample(frame["para"], 2)
        s1 = _render(frame, raw, t1)
        if label == 1:
            s2 = _render(frame, raw, t2)
        else:
            kinds = ["neg"] * 5
            if frame.get("mut"):
                kinds += ["mut"] * 4
            if frame.get("swap"):
                kinds += ["swap"] * 3
            kind = rng.choice(kinds)
            raw2 = dict(raw)
            if kind == "neg":
                s2 = _render(frame, raw, rng.choice(frame["neg"]))
            else:
                if kind == "mut":
                    key = rng.choice(frame["mut"])
                    if key in frame["nums"]:
                        raw2[key] = _draw_num(rng, frame["nums"][key], avoid=raw[key])
                        if key in ("hi", "lo") and raw2["lo"] >= raw2["hi"]:
                            continue
                    else:
                        while raw2[key] == raw[key]:
                            raw2[key] = rng.choice(CATS[key])
                else:
                    a, b = frame["swap"][0]
                    raw2[a], raw2[b] = raw[b], raw[a]
                s2 = _render(frame, raw2, rng.choice([t2, t2, t1]))
        if rng.random() < 0.5:
            s1, s2 = s2, s1
        key = (s1, s2)
        if key in seen or (s2, s1) in seen or s1 == s2:
            continue
        seen.add(key)
        rows.append((s1, s2, label))
    rng.shuffle(rows)
    return rows


# ---------------------------------------------------------------------------
# 3. quotes.csv  (all authors are fictional; every aphorism is original)
# ---------------------------------------------------------------------------

QUOTES = {
    "Marguerite Osei": [  # gardener
        "The seed does not argue with winter; it simply waits.",
        "Every garden is a negotiation between what you planted and what the wind decided.",
        "Pull one weed a day and you will never have to declare war.",
        "Soil remembers every kindness, though it takes a season to say thank you.",
        "A late frost is not a failure, only a correction.",
        "I have never met a tomato that grew faster because I stared at it.",
        "Water the roots, not the leaves; the same is true of friendships.",
        "Compost is proof that nothing you throw away is truly finished with you.",
        "Plant what you can tend, not what you can imagine.",
        "Bees visit the untidy corner of the garden first. I take that as advice.",
        "Patience is not sitting still; it is weeding while you wait.",
        "When the harvest is poor, the gardener learns; when it is rich, the gardener forgets.",
        "People ask me how I keep the roses so healthy, and I tell them the truth: I spend far more time on my knees looking at the soil than I ever do admiring the flowers, and the flowers seem to appreciate being left alone.",
    ],
    "Tobias Lindqvist": [  # sailor
        "A sailor who waits for perfect wind spends his life mending sails.",
        "The sea forgives a slow sailor far sooner than a proud one.",
        "Reef the sail while the sky is still blue; courage is mostly timing.",
        "Every harbour looks small once you have seen the open water, and every storm looks large until you have seen the harbour again.",
        "A good knot is the one you can untie in the dark.",
        "I trust a compass more than a map, because a compass never pretends to know the shore.",
        "Calm water teaches nothing but how to be bored.",
        "The tide is not late. You are early, or you are wrong.",
        "Half of navigation is knowing where you are; the other half is admitting it.",
        "Salt gets into everything, and so does regret. Rinse both often.",
        "My father told me that the sea is neither cruel nor kind, only enormous, and that a sailor's job is not to win against it but to stay small, alert and humble enough that it never notices you.",
    ],
    "Ines Carvalho-Reyes": [  # cook
        "Taste as you go; a recipe is a rumour, not a promise.",
        "Salt is an opinion. Add it carefully and defend it boldly.",
        "The onion makes you cry so that you will respect it.",
        "Anyone can follow a recipe, but only a cook knows when to stop stirring.",
        "A crowded pan steams what it should sear, and a crowded life does the same.",
        "Good bread needs time you cannot buy and hands you cannot fake.",
        "Never trust a kitchen that smells of nothing.",
        "Burnt garlic is the price of looking away for one second; so is most gossip.",
        "Feed people first, then argue with them.",
        "A soup simmered for hours forgives every rushed morning that came before it.",
        "My grandmother measured in handfuls and moods, and she was never wrong about either.",
        "When someone tells me they cannot cook, I ask whether they can taste, whether they can wait, and whether they can forgive themselves for a lumpy sauce; if the answer is yes three times, they can cook.",
    ],
    "Dmitri Halloway": [  # carpenter
        "Wood has its own opinions, and the grain is where it writes them down.",
        "A joint that needs glue to look good was never a good joint.",
        "Sharpen the chisel before you blame the oak.",
        "The back of a drawer is where you learn whether a carpenter respects you.",
        "Sawdust on the floor means the day was spent honestly.",
        "Every crooked board straightens a little under patient hands, and so do apprentices.",
        "Build the table you would want to eat at for forty years.",
        "A nail is a promise; a dovetail is a vow.",
        "The pencil line is a suggestion. The cut is a decision.",
    ],
    "Priya Venkataraman": [  # mathematician
        "A proof is a story in which nobody is allowed to lie.",
        "Most problems become easier the moment you give the unknown a name.",
        "Zero was the bravest idea anyone ever had: a number for nothing at all.",
        "If your answer is elegant and wrong, you have merely found a beautiful mistake.",
        "Count carefully, because the universe will not round up for you.",
        "Infinity is not a very large number; it is a different kind of question.",
        "Before you solve the problem, make sure it is the problem.",
        "An approximation is an honest lie that tells you how large it is.",
        "Symmetry is the universe saving time.",
        "I do not fear difficult equations. I fear easy ones that someone has already misread.",
        "A good definition does half the work and takes all the blame.",
        "When two different paths lead to the same answer, I start to believe the answer.",
        "Students think mathematicians love numbers, but most of us love patterns, and numbers are simply where the patterns go to be counted; give me a good pattern and I will happily forget every number I ever learned.",
        "A counterexample is the most polite way of telling someone they are wrong.",
        "Write down what you know, then write down what you wish you knew; the gap between them is the whole problem.",
    ],
    "Augustin Moreau-Fell": [  # wry cynic
        "Ambition is a ladder leaned against a wall nobody bothered to check.",
        "Every committee is a machine for turning opinions into delays.",
        "Success has many parents and no memory for the ones who paid the rent.",
        "The higher the office, the thinner the air and the thicker the excuses.",
        "People who say they have no regrets are usually keeping them somewhere else.",
        "Fame is loud, brief, and always looking for the next room.",
        "I have met many self-made men, and most of them had excellent help they forgot to mention.",
        "A reputation takes years to build and one dinner party to revise.",
    ],
    "Hannelore Brandt": [  # teacher
        "A question asked in class is a gift to the twelve students too shy to ask it.",
        "Teach the child in front of you, not the one in the lesson plan.",
        "Mistakes in pencil are how understanding drafts itself.",
        "The quietest student in the room is often the one taking the best notes on you.",
        "Curiosity is the only homework that never needs to be checked.",
        "If they cannot explain it to a younger sibling, they have memorised it, not learned it.",
        "Every chalkboard wiped clean at the end of the day is a small act of faith in tomorrow.",
        "A good lesson ends with more questions than it began with.",
        "Patience with a student is really patience with the person they have not yet become.",
        "Grades measure an afternoon; learning measures a life.",
        "On the last day of every school year I stand at the door and watch them leave, and I never know which of the things I said will matter, which is exactly why I try to say every one of them carefully.",
    ],
    "Kwame Asante-Boateng": [  # neighbours, community
        "A street where people know each other's names needs fewer locks.",
        "Borrowing sugar is the oldest treaty between neighbours.",
        "You do not build a community; you keep showing up until one forms around you.",
        "The loneliest houses often have the nicest fences.",
        "Shared tools, shared troubles, shared dinners: that is the whole of civic life.",
        "When the power goes out, you find out who your neighbours are.",
        "One good neighbour is worth a dozen distant admirers.",
        "A town is only as strong as its habit of checking on the old man at the end of the road.",
        "Carry someone's shopping once and you may have a friend for ten years.",
    ],
    "Elsie Rutherford": [  # homespun, dry humour
        "If you can't say something nice, say it to the dog. He won't repeat it.",
        "Nobody ever regretted wearing a cardigan.",
        "Put the kettle on first; most disasters look smaller after tea.",
        "Never argue with a hungry person. Feed them and win later.",
        "Old age is just youth with more stories and worse knees.",
        "Keep your shoes by the door and your opinions under the pillow until morning.",
        "The secret to a long marriage is two bathrooms.",
        "A spotless house is the sign of a bored mind, and I have never once been bored.",
        "When in doubt, bake something and let the crumbs do the apologising.",
        "I don't hold grudges. I simply have an excellent memory.",
        "My mother told me to marry a man who laughs at his own mistakes, because I would be living with plenty of them, and sixty years later I can report that the advice held up better than the roof did.",
        "I have never trusted a man who doesn't finish his pudding.",
        "Gossip is like jam: lovely on the day, sticky for weeks.",
        "If the biscuits are hidden, somebody in this house is hiding them from me.",
    ],
    "Rafael Okonkwo-Silva": [  # runner
        "The first mile lies to you. Keep going until the truth shows up.",
        "Nobody remembers your pace, only whether you finished.",
        "Rest days are training too; the body builds in the quiet.",
        "Hills are just flat roads that decided to test you.",
        "Run slowly enough to talk and long enough to stop needing to.",
        "Discipline is choosing the cold morning over the warm excuse.",
        "The finish line is a rumour until your legs believe it.",
        "Every runner has a voice that says stop. Mine and I have an agreement: it talks, I run.",
        "Shoes wear out; habits don't.",
    ],
    "Saoirse Delaney": [  # poet, weather and light
        "Rain is the sky remembering it has something to say.",
        "The hills wear their fog like an old coat they refuse to throw away.",
        "Some evenings the light lingers on the water as if it cannot bear to leave.",
        "A grey morning is not a sad one; it is only thinking.",
        "I learned patience from the slow way moss covers a stone.",
        "Every window in a storm is a small theatre showing one play.",
        "The kettle sings and the rain answers, and that is conversation enough.",
        "Even a puddle holds a piece of the sky for a while.",
        "Grief softens like rain on a tin roof: loud at first, then only a rhythm.",
        "Go walking when the weather is wrong; that is when the land tells the truth.",
        "There is a kind of evening in late October when the rain stops, the clouds pull back like curtains, and the whole valley turns gold for about four minutes, and I have arranged most of my life so that I can be outside for it.",
    ],
    "Wendell Achterberg": [  # engineer
        "Every system works perfectly until a person touches it.",
        "Redundancy is the art of being wrong twice in different ways.",
        "If it only works when you are watching, it does not work.",
        "The cheapest part in a machine is always the one that fails first.",
        "Document it today, or explain it forever.",
        "A bridge does not care how confident the engineer was.",
        "Simple designs fail loudly; clever ones fail quietly, and quiet is worse.",
        "Tolerances are where theory admits it is human.",
        "Before you optimise anything, find out what it is actually doing.",
        "Every shortcut is a loan, and the interest is paid at three in the morning.",
        "The report said the failure was caused by a single faulty valve, but in my experience nothing fails because of one thing; it fails because of the valve, the schedule that skipped its inspection, and the meeting where someone decided the inspection could wait.",
    ],
    "Yuki Nakashima-Hart": [  # minimalism, tea
        "An empty shelf is not a lack; it is room for the afternoon.",
        "Pour the tea slowly and the day will follow your example.",
        "Own fewer things and each of them will have more to say.",
        "Silence is not the absence of sound but the presence of attention.",
        "A single flower in a plain cup is enough decoration for any table.",
        "Clutter is every decision you postponed, sitting in a pile.",
        "Sweep the floor as if it matters, and it will.",
        "When the cup is full, stop pouring. That is the whole lesson.",
        "Stillness is not waiting for something; it is the something.",
    ],
    "Cornelius Abernathy": [  # bureaucracy satire
        "Please fill in the form that explains why you need the form.",
        "A meeting to plan the meeting is how institutions express their feelings.",
        "The Department of Urgent Matters is open on alternate Tuesdays.",
        "Nothing is impossible for a person who does not have to do it themselves.",
        "Every new policy arrives with a memo, and every memo arrives too late.",
        "I once approved my own request for approval, and it took three weeks.",
        "The shortest distance between two points is rarely through accounts payable.",
        "Progress, in any large office, is measured by how many people have been copied on it.",
    ],
    "Lucia Ferrandis": [  # jazz musician
        "The notes you leave out are still part of the song.",
        "Play the wrong note twice and it becomes a choice.",
        "A band is a conversation where everyone has agreed to listen first.",
        "Rhythm is just patience that learned to dance.",
        "Practise the scales until you forget them; then play.",
        "Every solo borrows from the silence that came before it.",
        "If the room is quiet, play softer, and watch them lean in.",
        "Music does not care what you meant to play.",
        "The metronome is a strict friend; the audience is a kind stranger.",
        "Improvisation is preparation wearing its Sunday clothes.",
        "The old pianist who taught me never corrected my wrong notes; he simply played them back to me, slightly slower, until I could hear for myself what they were trying to become.",
    ],
    "Magnus Thorvaldsen": [  # mountains
        "The summit is optional; coming home is not.",
        "Mountains do not reward hurry, only attention.",
        "Every ridge you climb shows you two more you had not noticed.",
        "Pack for the weather you fear, not the forecast you hope for.",
        "A rope is only as good as the person tied to the other end, so choose both with care.",
        "Above the tree line, every mistake is louder.",
        "Turn back an hour too early and you lose a view; turn back an hour too late and you may lose everything.",
        "The mountain was here before your plans and will be here after them.",
        "On my first real climb I was so focused on the summit that I never looked at the valley behind me, and when I finally turned around on the way down, I realised I had walked straight past the best part of the day.",
    ],
    "Ottilie Varga": [  # librarian
        "A library is the only place where whispering makes you richer.",
        "Every overdue book is a small love affair someone could not end on time.",
        "Shelve the books by subject and the readers will sort themselves.",
        "The right book finds you about a week after you stop looking for it.",
        "A card catalogue is a map of everything a town once wanted to know.",
        "Reading aloud to a child is lending them your voice until they find their own.",
        "Nobody ever leaves a library with less than they came in with.",
        "A used book carries two stories: the one printed and the one in its margins.",
        "Silence in a reading room is not empty. It is full of other people thinking.",
        "A woman once returned a book forty years late, paid the fine in coins she had saved in a jar, and told me it had gone with her through two marriages and three countries, which is the best use of a library card I have ever heard of.",
    ],
    "Bartholomew Quince": [  # procrastination humour
        "I will start my diet, my novel and my taxes tomorrow, in that order, probably.",
        "Procrastination is just optimism about how much time you will have later.",
        "Deadlines are excellent motivators, especially the ones that have already passed.",
        "My to-do list has its own to-do list, and neither of them is in a hurry.",
        "The most productive I have ever been was the hour before a deadline I had ignored for a month.",
        "I have a system: I wait until the task becomes an emergency, then I become a hero.",
        "Nothing cleans a kitchen faster than an essay that needs writing.",
        "I'm not lazy; I'm conserving energy for a task worthy of me, which has not yet arrived.",
    ],
    "Nadia Rahimova": [  # doctor
        "Listen to the patient long enough and they will tell you the diagnosis.",
        "Medicine treats the illness; kindness treats the person who has it.",
        "Fear is a symptom too, and it deserves a treatment plan.",
        "Every chart is a person who would rather be at home.",
        "The most powerful instrument in the clinic is a chair pulled up beside the bed.",
        "Sometimes the cure is time, and the hardest prescription is waiting.",
        "Wash your hands, tell the truth, and never make a frightened person feel foolish.",
        "A good doctor knows the textbook; a great one knows when the patient has not read it.",
        "Healing rarely follows the schedule we write for it.",
        "The hardest conversations I have in the hospital are not about dying; they are about waiting, because people can bear almost any news once they have it, but very few of us can bear not knowing for very long.",
    ],
    "Ezekiel Fairbanks": [  # farmer
        "The weather never reads the almanac.",
        "A field left fallow is not lazy; it is catching its breath.",
        "You can tell a farmer's year by his boots and his silence at supper.",
        "Rain on the harvest teaches humility faster than any sermon.",
        "Fences keep the cattle in and the neighbour's opinions out, mostly.",
        "Work the land and it will work you back, usually harder.",
        "A tractor will outlast its loan if you treat it like family.",
        "Nobody ever got a crop in by talking about the price of seed.",
        "Sunrise on a farm is not beautiful; it is an appointment.",
    ],
    "Celestine Mbeki-Laurent": [  # astronomer
        "The light from that star left before anyone alive was born, and it still arrived.",
        "Look up long enough and your troubles start measuring themselves in light years.",
        "We are made of old stars, which is why we cannot help staring at new ones.",
        "The universe is not indifferent to us; it is simply very busy.",
        "Darkness is necessary. Without it you would never see the galaxies.",
        "Every telescope is an argument with the limits of the human eye.",
        "The moon has no light of its own and still manages to guide the sea.",
        "A clear night sky is the cheapest lesson in humility there is.",
        "Gravity is the universe's way of saying that everything matters to everything else.",
    ],
    "Florian Wieczorek": [  # entrepreneur
        "The market does not care about your business plan; it cares about your customers' Tuesdays.",
        "Fail quickly, but pay your suppliers on time.",
        "Cash flow is the heartbeat; everything else is a haircut.",
        "An idea is worth nothing until someone is willing to pay for it, including you.",
        "Hire people who disagree with you politely and often.",
        "Every startup has two deadlines: the one on the calendar and the one in the bank account.",
        "The customer who complains is doing your market research for free.",
        "Grow slowly enough that you can still remember everyone's name.",
        "Risk is not the enemy. Pretending there is none is.",
    ],
    "Rosalind Achebe-Grant": [  # lawyer
        "A fair hearing begins with the judge admitting she does not yet know the answer.",
        "The law is a fence; wisdom is knowing which side of it people are really standing on.",
        "Read the contract the way your opponent will.",
        "Every rule was written after someone got hurt. Remember the someone.",
        "Rights that are never used slowly forget who they belong to.",
        "A good argument persuades; a great one makes the other side feel heard.",
        "Evidence does not care how sympathetic you are.",
        "The smallest courtroom still holds the whole weight of the state; behave accordingly.",
    ],
    "Jasper Kingsley-Moore": [  # painter
        "Shadows are never black; look longer and they turn blue.",
        "Every colour changes its mind when you put another colour beside it.",
        "A blank canvas is not frightening. The second brushstroke is.",
        "The best painters spend more time looking than painting.",
        "Finish a painting one stroke before you think you should.",
        "Light is the only subject; everything else is an excuse to show it.",
        "Mix your greys with care; that is where the whole painting lives.",
        "An unfinished sketch is more honest than a finished lie.",
        "I painted the same pear forty times before it agreed to look like itself.",
    ],
    "Imogen Thistlewood": [  # cats, solitude
        "A cat will sit on the one page you are trying to read, and that is love.",
        "Solitude is only loneliness that has learned to make good coffee.",
        "I prefer a quiet evening, a closed door and a cat with opinions.",
        "My cat ignores me with such commitment that I can only call it devotion.",
        "People who need constant company have never met the right armchair.",
        "The cat knocked my glass off the table and looked at me as if I were the problem.",
        "Some of my best conversations have been with a kettle.",
        "Being alone is restful; being alone in a crowd is exhausting. Choose your rooms.",
    ],
    "Anselm Koval": [  # time, brief
        "Now is the only time that has ever been available.",
        "Yesterday is a rumour. Tomorrow is a guess.",
        "Clocks measure time; they do not explain it.",
        "Waiting is time that forgot its purpose.",
        "Every habit is a vote for a future self.",
        "The present moment is narrow but deep.",
        "We do not lose time; we spend it without receipts.",
        "Memory edits. Be kind to the editor.",
        "Hurry is a poor substitute for direction.",
        "Old age is simply time finally sitting down beside you.",
        "We speak of killing time as if it were an enemy, yet it is the only thing we ever truly have, and it asks for nothing in return except that we notice it passing.",
    ],
    "Beatriz Salgado": [  # traveller
        "Every road looks different on the way back.",
        "Pack light, because you will bring home more than you took.",
        "Getting lost is just a route nobody recommended.",
        "The best meals I've eaten abroad were the ones I couldn't pronounce.",
        "Travel does not change you; it moves the furniture so you can see what was there.",
        "A train window is the finest cinema ever built.",
        "Leave home often enough and you learn what home actually means.",
        "Ask for directions even when you know the way. The conversation is the point.",
        "A passport full of stamps means little if you never spoke to anyone.",
        "The slow bus arrives somewhere the fast plane never goes.",
        "I once missed a connecting train in a small town whose name I still cannot spell, spent the night in a room above a bakery, and made a friend I have written to every year since, so I no longer fear missed connections.",
    ],
    "Fenwick Olatunji": [  # bus driver
        "Everyone on my bus is going somewhere important, even the ones who look lost.",
        "Rush hour teaches you that patience is a route, not a destination.",
        "Say good morning to the driver; you never know whose day you are rescuing.",
        "I have seen proposals, breakups and birthdays on the number 14, all before nine o'clock.",
        "A city is just a lot of people agreeing to wait at the same stop.",
        "Rain makes everyone late and nobody sorry.",
        "The back seat of a bus is where teenagers write their philosophy on the window.",
        "Drive gently. Somebody on board is carrying a cake.",
    ],
    "Greta Holmqvist": [  # winter
        "Winter is long only for people who are waiting for it to end.",
        "Snow makes every footprint honest.",
        "Light a candle at four in the afternoon and call it defiance.",
        "Cold air clears the mind the way nothing warm ever could.",
        "In the darkest month, the smallest window becomes a lantern.",
        "Dress for the wind, and the rest of winter is just weather.",
        "You learn who your friends are when the road needs shovelling.",
        "Spring is not a reward for surviving winter; it is simply what comes next.",
    ],
    "Horatio Pemberton-Shaw": [  # old soldier
        "Every old soldier I ever met wanted the same thing: a quiet garden and no more speeches.",
        "Peace is harder to plan than war because nobody gives you medals for it.",
        "The bravest thing I saw in forty years of service was a man who refused to fire.",
        "Parades are for people who were not there.",
        "Courage is not loud. It mostly looks like doing the next dull, necessary thing.",
        "Remember the fallen, but do not make them an excuse for the next fight.",
        "A truce signed in a cold tent is worth more than a victory won in a warm speech.",
    ],
    "Aurelie Dufresne": [  # letters, friendship
        "A handwritten letter takes three days to arrive and a lifetime to throw away.",
        "Friendship is the habit of being glad someone exists.",
        "Write back, even if you have nothing to say; the envelope says it for you.",
        "Old friends can sit in silence and call it a conversation.",
        "Distance is only geography; forgetting is a choice.",
        "I keep every letter I have ever received, and some of them still keep me.",
        "The best postscript says what the letter was too shy to.",
        "A friend is someone who hears the tremble behind your cheerful news.",
        "Ink fades more slowly than most promises.",
    ],
    "Matteo Brancaleone": [  # baker
        "Bread cannot be rushed, and neither can the baker who makes it.",
        "The dough rises while the town is asleep; somebody has to believe in the morning.",
        "Flour on your sleeves is a kind of honesty.",
        "A warm loaf shared is worth more than a perfect one sold.",
        "Starter, water, salt and patience. The last one is the hardest to find.",
        "I knead the dough and the dough kneads my worries.",
        "A burnt crust teaches more than a cookbook.",
        "The smell of baking bread has settled more arguments than any lawyer.",
    ],
    "Thandiwe Nkosi": [  # organiser, courage
        "One voice is a whisper; a hundred are a weather system.",
        "Courage is contagious, but someone has to be the first to catch it.",
        "Do not ask whether the change will come. Ask who will carry it.",
        "The people in power count on our patience running out before their excuses do.",
        "Organise the tea urns and the chairs, and the movement will organise itself.",
        "Hope is not a feeling; it is a job you show up to.",
        "Change begins at the kitchen table long before it reaches the parliament.",
        "A march is only the visible part of a thousand quiet conversations.",
        "Speak plainly. The truth has no need of decorations.",
        "People imagine that movements are built by speeches, but the ones I have seen last were built by whoever remembered to book the hall, bring the extra chairs, and phone the old woman who could not come unless somebody gave her a lift.",
    ],
    "Osvaldo Pereira-Lind": [  # fisherman
        "The river gives up its fish the way an old man gives up his secrets: slowly, and only to the patient.",
        "Cast where the water is quiet; the hungry ones wait there.",
        "The fish that got away grows a little larger every winter.",
        "A tangled line is the river reminding you who is in charge.",
        "Early mornings on the water are worth the cold feet.",
        "I have caught very little in my life and enjoyed every minute of not catching it.",
        "Read the ripples, not the forecast.",
    ],
    "Signe Barrow": [  # programmer
        "Code is read far more often than it is written, so write it for the tired stranger at midnight.",
        "Every bug is a conversation between what you meant and what you said.",
        "If the tests pass on the first try, check that the tests ran.",
        "Naming things is hard because it forces you to know what they are.",
        "Delete code bravely; version control remembers so you don't have to.",
        "The fastest program is the one that does less.",
        "A comment that explains why is worth ten that explain what.",
        "Clever code is a debt your future self will pay with interest.",
        "'Works on my machine' is not a result; it is a confession.",
        "The computer does exactly what you told it, which is the whole problem.",
        "The worst bug I ever fixed took three days to find and one character to correct, and the lesson was not about the character at all; it was about how long I had spent assuming the problem was somewhere more interesting.",
        "Every temporary fix I have written is still running somewhere.",
        "Logs are letters your program writes to you in case things go wrong. Read your mail.",
        "The second version of anything is where you find out what the first one was for.",
    ],
    "Percival Ndlovu": [  # beekeeper
        "A hive is a city with no mayor and perfect attendance.",
        "Bees do not hurry; they simply never stop.",
        "Move slowly near the hive, and in most of life, and you will be stung less often.",
        "One bee makes a spoonful of honey in her whole life. Respect the spoonful.",
        "The hive knows the season before the calendar does.",
        "Smoke calms the bees, but only kindness calms the beekeeper.",
        "Every flower in the valley is part of my business, though none of them pays rent.",
    ],
    "Wilhelmina Ashcombe": [  # manners, sharp
        "Good manners are simply kindness with a dress code.",
        "Arrive on time; it tells people you believe they exist.",
        "A thank-you note costs a stamp and buys a decade of goodwill.",
        "Rudeness is the weak imitating strength.",
        "Never correct a host's pronunciation at her own table.",
        "Put the phone away at dinner. The world has survived many meals without your attention.",
        "The proper response to gossip is a long, polite silence.",
        "One may disagree with anyone, provided one does it quietly and brings a cake.",
    ],
    "Emeka Hollis": [  # architect
        "A door is a promise that the room beyond is worth the effort.",
        "Build for the people who will sweep the floors, not the ones who cut the ribbon.",
        "Light is the cheapest building material and the one most often wasted.",
        "A window frames not only the view but the person looking at it.",
        "Every staircase is a small argument with gravity that the building must win daily.",
        "Good architecture disappears; you notice only that you feel at home.",
        "Leave room in every plan for the thing the client has not thought of yet.",
        "Concrete remembers every mistake you poured into it.",
        "Ugly buildings are expensive forever.",
        "Clients always ask for more space, but what they usually want is better space: a window where the morning light falls on the kitchen table, a hallway wide enough for two people to pass without apology, and a corner where a child can hide.",
    ],
    "Clementine Oyelaran": [  # parenting
        "My children ignore my advice and copy my habits, which is a humbling way to learn about myself.",
        "A toddler's no is the first draft of a personality.",
        "Bedtime is a negotiation in which both sides are exhausted and neither will admit it.",
        "Kneel down when you talk to a child; the world looks different from there.",
        "Every scraped knee deserves a plaster and a story.",
        "Raising children is mostly repeating yourself with love.",
        "A messy playroom is a sign that somebody was busy imagining.",
        "Let them be bored now and then; boredom is where invention lives.",
        "I wanted to raise a polite child and ended up raising an honest one. I'll take it.",
        "When my daughter was four she asked me why the moon follows the car, and I gave her a careful explanation about distance and perspective, and she listened politely and then told me the moon just likes us, which I have decided is the better answer.",
    ],
    "Rudolf Szabo-Hale": [  # chess
        "Every blunder looks obvious on the walk home.",
        "The pawn who keeps moving forward eventually becomes something else entirely.",
        "Think about your opponent's plan before you fall in love with your own.",
        "A quiet move is often the loudest one on the board.",
        "Trading pieces is easy; trading ideas is how you improve.",
        "The clock punishes indecision more harshly than any opponent.",
        "Resigning gracefully is part of the game, and the hardest part to practise.",
        "The king is weak for most of the game and decisive at the end. Remember that about quiet people.",
        "Position first, tricks second; the tricks grow out of good positions.",
        "Losing a game teaches more than winning ten, if you are willing to replay it.",
        "After forty years of tournaments I am convinced that most games are not lost to brilliant moves but to tired ones, made in the fifth hour by someone who stopped asking what the other player wanted.",
    ],
}


def build_quotes(rng):
    """Keep every long quote; drop short ones at random until 340 remain,
    never taking an author below 5 quotes."""
    pool = [(q, a) for a, qs in QUOTES.items() for q in qs]
    assert len(set(q for q, _ in pool)) == len(pool), "duplicate quote text"
    counts = {a: len(qs) for a, qs in QUOTES.items()}
    candidates = [(q, a) for q, a in pool if wc(q) <= 20]
    rng.shuffle(candidates)
    drop = set()
    excess = len(pool) - 340
    for q, a in candidates:
        if excess == 0:
            break
        if counts[a] > 5 and rng.random() < 0.6:
            drop.add(q)
            counts[a] -= 1
            excess -= 1
    for q, a in candidates:  # second sweep if the random pass fell short
        if excess == 0:
            break
        if q not in drop and counts[a] > 5:
            drop.add(q)
            counts[a] -= 1
            excess -= 1
    rows = [(q, a) for q, a in pool if q not in drop]
    rng.shuffle(rows)
    return rows


# ---------------------------------------------------------------------------
# 4. instructions.jsonl
# ---------------------------------------------------------------------------

DEFINITIONS = [
    ("Define photosynthesis in one sentence.",
     "Photosynthesis is the process by which plants, algae and some bacteria use light energy to turn carbon dioxide and water into glucose, releasing oxygen as a by-product."),
    ("What is inflation?",
     "Inflation is the general rise in prices over time, which means each unit of money buys a little less than it did before."),
    ("Give a short definition of an algorithm.",
     "An algorithm is a finite, step-by-step set of instructions for solving a problem or completing a task, like a recipe that a person or a computer can follow."),
    ("What is a metaphor?",
     "A metaphor is a figure of speech that describes something by saying it is something else, without using 'like' or 'as'. For example: 'The classroom was a zoo.'"),
    ("Define the word 'ecosystem'.",
     "An ecosystem is a community of living organisms, such as plants, animals and microbes, together with the physical environment they live in, all interacting as one system."),
    ("What does API stand for, and what is it?",
     "API stands for Application Programming Interface. It is a defined set of rules and endpoints that lets one piece of software request data or services from another."),
    ("What is a noun?",
     "A noun is a word that names a person, place, thing or idea, such as 'teacher', 'Paris', 'chair' or 'freedom'."),
    ("Explain the term 'opportunity cost' in one sentence.",
     "Opportunity cost is the value of the best alternative you give up when you choose one option over another, such as the wages you miss by studying instead of working."),
    ("What is a prime number?",
     "A prime number is a whole number greater than 1 whose only divisors are 1 and itself. The first few are 2, 3, 5, 7, 11 and 13."),
    ("Define osmosis.",
     "Osmosis is the movement of water across a semi-permeable membrane from a region of lower solute concentration to a region of higher solute concentration."),
    ("What does 'latency' mean in networking?",
     "Latency is the time it takes for data to travel from its source to its destination, usually measured in milliseconds. Lower latency means a more responsive connection."),
    ("What is a haiku?",
     "A haiku is a short poem of Japanese origin, traditionally written in three lines of five, seven and five syllables, often capturing a single moment in nature."),
    ("What is compound interest?",
     "Compound interest is interest calculated on both the original amount and the interest already added, so the balance grows faster over time than it would with simple interest."),
    ("Define empathy.",
     "Empathy is the ability to understand and share another person's feelings by imagining the situation from their point of view."),
    ("What is a variable in programming?",
     "A variable is a named storage location that holds a value, which the program can read and change while it runs. For example, count = 0 creates a variable called count."),
    ("What counts as a renewable energy source?",
     "A renewable energy source is one that is naturally replenished on a human timescale, such as sunlight, wind, flowing water or geothermal heat, unlike coal, oil and gas."),
    ("What does GDP mean?",
     "GDP, or gross domestic product, is the total market value of all final goods and services produced within a country during a specific period, usually a year or a quarter."),
    ("Define the word 'hypothesis'.",
     "A hypothesis is a testable proposed explanation for an observation, which an experiment or further study can then support or refute."),
    ("What is an adjective?",
     "An adjective is a word that describes or modifies a noun, such as 'tall', 'blue' or 'noisy' in 'a tall, noisy neighbour with a blue car'."),
    ("What is a firewall?",
     "A firewall is a security system, in hardware or software, that monitors network traffic and blocks or allows it according to a set of rules."),
    ("Define biodiversity.",
     "Biodiversity is the variety of life in a particular place, including the number of species, the genetic differences within them and the range of ecosystems they form."),
    ("What is machine learning?",
     "Machine learning is a branch of artificial intelligence in which computers learn patterns from data in order to make predictions or decisions, instead of following rules written by hand for every case."),
    ("What does 'mise en place' mean in cooking?",
     "Mise en place is a French cooking term meaning 'everything in its place': preparing and arranging all the ingredients and tools before you start cooking."),
    ("Define irony.",
     "Irony is a contrast between what is expected and what actually happens, or between what is said and what is really meant."),
    ("What is a tokenizer in NLP?",
     "A tokenizer splits text into smaller units called tokens, such as words, subwords or characters, and maps each one to a numeric ID that a model can process."),
    ("What is overfitting?",
     "Overfitting happens when a model learns the training data too closely, including its noise, so it scores well on that data but poorly on new, unseen examples."),
    ("What is a budget?",
     "A budget is a plan that estimates income and expenses over a period of time, so you can decide in advance how money will be spent or saved."),
    ("Define sustainability.",
     "Sustainability means meeting present needs without compromising the ability of future generations to meet theirs, balancing environmental, social and economic concerns."),
    ("What is a synonym?",
     "A synonym is a word that has the same or nearly the same meaning as another word, such as 'big' and 'large' or 'quick' and 'fast'."),
    ("What is the water cycle?",
     "The water cycle is the continuous movement of water on Earth: it evaporates, condenses into clouds, falls as rain or snow, and collects in rivers, lakes, oceans and groundwater before evaporating again."),
]

EXPLANATIONS = [
    ("Explain why the sky is blue.",
     "Sunlight contains all the colours of visible light. As it passes through the atmosphere it bumps into gas molecules, which scatter short wavelengths much more strongly than long ones. This is called Rayleigh scattering. Blue light is scattered all over the sky, so wherever you look away from the sun, you mostly see that scattered blue."),
    ("Explain what a neural network is to a beginner.",
     "A neural network is a computer model loosely inspired by the brain. It is built from layers of simple units called neurons. Each neuron takes some numbers as input, multiplies them by weights, adds them up and passes the result through a simple function. The first layer receives the raw data, such as the pixels of an image, the last layer produces an answer, such as 'cat' or 'dog', and the layers in between transform the data step by step.\n\nAt first the weights are random, so the answers are poor. During training the network sees many labelled examples, measures how wrong it is with a loss function, and nudges every weight slightly in the direction that reduces the error. Repeated over thousands of examples, these small adjustments let the network pick up useful patterns."),
    ("What is the difference between weather and climate?",
     "Weather describes short-term conditions in a place, such as today's temperature, rain or wind. Climate is the average pattern of weather in a region over a long period, typically thirty years or more. Weather is what you get on a given day; climate is what you can expect over the years."),
    ("Why do we have seasons?",
     "Seasons happen because Earth's axis is tilted by about 23.5 degrees relative to its orbit. As Earth travels around the sun, each hemisphere takes turns leaning toward it. The hemisphere tilted toward the sun gets more direct sunlight and longer days, which gives summer, while the one tilted away gets weaker, slanting light and shorter days, which gives winter. The changing distance to the sun plays only a minor role."),
    ("Explain what fine-tuning a language model means.",
     "Fine-tuning means taking a model that has already been trained on a large, general collection of text and continuing its training on a smaller dataset for a specific task, such as classifying reviews or following instructions. The pre-trained model already knows a lot about grammar, word meanings and common facts, so it does not have to learn language from scratch.\n\nDuring fine-tuning you feed it labelled examples from your task, compare its predictions with the correct answers, and update its weights with a small learning rate so that it adapts without forgetting what it already knows. Because most of the knowledge is reused, fine-tuning needs far less data and computing power than training from scratch. Typical choices include the number of epochs, the batch size, the learning rate, and whether to update all the weights or only a small set of added parameters, as in methods such as LoRA."),
    ("What is the difference between RAM and storage?",
     "RAM is fast, temporary memory that holds the programs and data the computer is working on right now; its contents disappear when the power goes off. Storage, such as an SSD or hard drive, is slower but permanent, keeping your files, apps and operating system even when the computer is switched off."),
    ("Explain supply and demand in simple terms.",
     "Supply is how much of something sellers are willing to offer at different prices, and demand is how much buyers want at those prices. When demand rises and supply stays the same, the item becomes scarcer and prices tend to go up. When supply grows faster than demand, sellers compete for buyers and prices tend to fall. The price at which the amount people want to buy matches the amount on offer is called the equilibrium price."),
    ("Why does ice float on water?",
     "Ice floats because it is less dense than liquid water. When water freezes, its molecules lock into a hexagonal crystal held together by hydrogen bonds, which spaces them farther apart than in the liquid. The same mass takes up more room, so ice is roughly 9 percent less dense and floats."),
    ("Explain what a learning rate is in machine learning.",
     "The learning rate controls how big a step the model takes each time it updates its weights. If it is too high, training becomes unstable and the loss jumps around or grows; if it is too low, training is very slow or gets stuck. For fine-tuning transformers, values between 1e-5 and 5e-5 are common, often with a short warm-up followed by a gradual decay."),
    ("What is the difference between 'affect' and 'effect'?",
     "'Affect' is usually a verb meaning to influence something: 'The rain affected our plans.' 'Effect' is usually a noun meaning a result: 'The rain had a big effect on our plans.' A handy memory trick: affect is the action, effect is the end result."),
    ("How does a vaccine work?",
     "A vaccine trains the immune system to recognise a germ without causing the disease. It contains a harmless piece or version of the pathogen, such as an inactivated virus, a protein, or instructions for cells to make that protein. The body responds by producing antibodies and memory cells. If the real germ shows up later, the memory cells recognise it quickly and mount a faster, stronger defence, often preventing illness or making it milder."),
    ("Explain what padding and truncation mean when preparing text for a transformer.",
     "Transformers process text in batches, and every sequence in a batch must have the same length. Padding adds special pad tokens to shorter sequences so they match the longest one, and an attention mask tells the model to ignore those positions. Truncation does the opposite: it cuts sequences that are longer than a chosen maximum, such as 128 or 512 tokens, so they fit the model's limit.\n\nPadding every example to a fixed maximum wastes computation when most texts are short, so dynamic padding, which pads each batch only to its own longest sequence, is usually faster. Truncation can throw away useful information from long texts, so the maximum length is a trade-off between speed and accuracy."),
    ("Why should I back up my files?",
     "Files can be lost to hardware failure, theft, accidental deletion, ransomware or a spilled drink. A backup is a second copy kept somewhere else, so a single accident cannot wipe out everything. A common rule of thumb is three copies, on two different kinds of media, with one kept off-site or in the cloud."),
    ("What is the difference between a virus and a bacterium?",
     "Bacteria are single-celled living organisms that can reproduce on their own; many are harmless or even helpful, and bacterial infections can often be treated with antibiotics. Viruses are much smaller and are not cells at all; they can only multiply by getting inside a host cell and using its machinery. Antibiotics do not work against viruses, which are prevented with vaccines and sometimes treated with antiviral drugs."),
    ("What does an index do in a database?",
     "An index is a separate data structure, often a B-tree, that keeps the values of one or more columns in sorted order with pointers to the matching rows. It lets the database find rows without scanning the whole table, much like the index at the back of a book. The cost is extra storage and slightly slower inserts and updates, since the index must be kept up to date."),
    ("What is the batch size when training a model?",
     "The batch size is the number of training examples the model processes before it updates its weights once. Larger batches use the GPU more efficiently and give smoother updates but need more memory; smaller batches fit in less memory and update more often, though each update is noisier. If a batch will not fit, gradient accumulation can simulate a larger one."),
    ("Why do leaves change colour in autumn?",
     "Leaves are green because of chlorophyll, which plants use for photosynthesis. In autumn, shorter days and cooler temperatures cause many trees to stop making chlorophyll, and what is left breaks down. That reveals yellow and orange pigments called carotenoids that were there all along. Some trees also produce red and purple pigments called anthocyanins at this time, which is why certain species turn bright red."),
    ("Explain the difference between precision and recall.",
     "Precision and recall measure different kinds of mistakes in classification. Precision asks: of all the items the model labelled positive, how many really were positive? It is true positives divided by all predicted positives. Recall asks: of all the items that really were positive, how many did the model find? It is true positives divided by all actual positives.\n\nA spam filter with high precision rarely sends a good email to the spam folder, while one with high recall catches nearly all the spam. Raising one often lowers the other, and the F1 score combines them into a single number using their harmonic mean."),
    ("What causes tides?",
     "Tides are caused mainly by the moon's gravity pulling on Earth's oceans. The pull is strongest on the side facing the moon and weakest on the far side, creating two bulges of water. As Earth rotates through these bulges, most coasts get two high and two low tides about every 24 hours and 50 minutes. The sun adds to the effect, producing larger spring tides and smaller neap tides."),
    ("Explain what 'open source' means.",
     "Open source software is software whose source code is published under a licence that lets anyone read, use, modify and share it. Licences differ: permissive ones such as MIT ask for little more than keeping the copyright notice, while copyleft ones such as the GPL require modified versions to be shared under the same terms."),
    ("How do I write a good email subject line?",
     "Keep it short, specific and action-oriented, so the reader knows what the email is about and what you need before opening it. Put the most important words first, include a deadline if there is one, and avoid vague phrases like 'Quick question'. For example: 'Approval needed: Q3 budget by Friday'."),
    ("What is the greenhouse effect?",
     "The greenhouse effect is the warming of Earth's surface caused by gases such as carbon dioxide, methane and water vapour. Sunlight passes through the atmosphere and warms the ground, which then gives off heat as infrared radiation. Greenhouse gases absorb much of that energy and send some of it back toward the surface, keeping the planet warmer than it would otherwise be. Adding more of these gases strengthens the effect and raises global temperatures."),
    ("What is an epoch in model training?",
     "An epoch is one complete pass through the whole training dataset. With 1,000 examples and a batch size of 50, one epoch is 20 training steps. Training usually runs for several epochs while performance on a separate validation set is monitored, so you can stop before the model starts to overfit."),
    ("What is the difference between a list and a tuple in Python?",
     "Both hold ordered collections of items. A list, written with square brackets like [1, 2, 3], is mutable: you can add, remove or change items. A tuple, written with parentheses like (1, 2, 3), is immutable: once created it cannot be changed. Tuples can be used as dictionary keys and signal that the data is meant to stay fixed."),
    ("Give a detailed explanation of how to choose a good password.",
     "A good password is long, unique and unpredictable. Length matters most, because every extra character multiplies the number of guesses an attacker needs, so aim for at least 12 to 16 characters. An easy way to get length is a passphrase of four or more random, unrelated words, which is much easier to remember than a short jumble of symbols.\n\nAvoid anything personal or predictable: names, birthdays, pets, sports teams, keyboard patterns such as 'qwerty', and common swaps like '@' for 'a', which cracking tools already try. Never reuse a password on more than one site, because when one site is breached, attackers try the leaked passwords everywhere else.\n\nSince nobody can remember dozens of unique passwords, use a reputable password manager to generate and store them, and protect it with one strong passphrase. Finally, turn on two-factor authentication wherever it is offered, so that a stolen password alone is not enough to get into your account."),
]

REWRITES = [
    ("Rewrite this sentence in a more formal tone: 'Hey, can you send me that report real quick?'",
     "Could you please send me the report at your earliest convenience?"),
    ("Make this sentence more concise: 'In my personal opinion, I think that we should probably start the meeting at this point in time.'",
     "I think we should start the meeting now. The original repeats itself ('in my personal opinion, I think') and 'at this point in time' just means 'now'."),
    ("Rewrite in the active voice: 'The cake was eaten by the children.'",
     "The children ate the cake. In the active voice, the subject (the children) performs the action."),
    ("Fix the grammar: 'Me and him goes to the market every saturday.'",
     "He and I go to the market every Saturday. The subject pronouns are 'he' and 'I', the plural subject takes 'go', and days of the week are capitalised."),
    ("Make this more polite: 'Give me the invoice by Friday.'",
     "Could you please send me the invoice by Friday? Thank you very much."),
    ("Simplify this for a ten-year-old: 'Photosynthesis converts light energy into chemical energy stored in glucose.'",
     "Plants use sunlight to make their own food, a kind of sugar that gives them energy to grow."),
    ("Rewrite in the passive voice: 'The committee approved the new policy.'",
     "The new policy was approved by the committee."),
    ("Correct the spelling: 'I recieved the package yesterday, but it was definately damaged.'",
     "I received the package yesterday, but it was definitely damaged. (Two fixes: 'received' and 'definitely'.)"),
    ("Rewrite this so it sounds more constructive: 'The project is not finished and we are behind schedule.'",
     "We are still working on the project and are focused on getting it back on schedule."),
    ("Turn this statement into a question: 'The train leaves at six o'clock.'",
     "Does the train leave at six o'clock?"),
    ("Rewrite in the past tense: 'She walks to the office and buys a coffee on the way.'",
     "She walked to the office and bought a coffee on the way."),
    ("Make this sentence more vivid: 'The dog ran across the yard.'",
     "The scruffy little terrier tore across the yard, ears flapping and tail wagging wildly."),
    ("Paraphrase: 'The meeting has been postponed until next week due to scheduling conflicts.'",
     "Because of scheduling conflicts, the meeting is moving to next week."),
    ("Remove the jargon: 'We need to leverage our synergies to drive impactful deliverables going forward.'",
     "We need to work together better so that we produce useful results from now on."),
    ("Rewrite this as a news headline: 'The city council voted on Tuesday to build a new public library downtown.'",
     "City Council Approves New Downtown Library"),
    ("Fix the punctuation: 'its raining again so were staying inside arent we'",
     "It's raining again, so we're staying inside, aren't we?"),
    ("Rewrite in the future tense: 'They planted tomatoes in the garden.'",
     "They will plant tomatoes in the garden."),
    ("Make this sentence gender-neutral: 'Each student must bring his own lunch.'",
     "Each student must bring their own lunch. Alternatively: 'All students must bring their own lunches.'"),
    ("Rewrite more formally: 'The results were kind of bad, so we gotta try again.'",
     "The results were disappointing, so we need to repeat the experiment."),
    ("Combine these into one sentence: 'The store opened at nine. A long line had formed outside. People wanted the new phone.'",
     "When the store opened at nine, a long line of people hoping to buy the new phone had already formed outside."),
    ("Remove the double negative: 'I don't need no help.'",
     "I don't need any help. You could also say 'I need no help', though that sounds more formal."),
    ("Translate this into plain English: 'Pursuant to the aforementioned clause, remittance is due forthwith.'",
     "Under the clause mentioned above, payment is due immediately."),
    ("Shorten this to under ten words: 'Due to the fact that it was raining heavily, the outdoor concert was cancelled by the organizers.'",
     "Heavy rain forced organizers to cancel the outdoor concert."),
    ("Rewrite this customer reply to sound more empathetic: 'Your order is late. It will arrive Monday.'",
     "I'm sorry your order is running late, and I understand how frustrating that is. The good news is that it's on its way and should arrive on Monday."),
    ("Change this to reported speech: She said, \"I am going to the library.\"",
     "She said that she was going to the library."),
]

LISTS = [
    ("List the three primary colours.",
     "In traditional painting the primary colours are red, yellow and blue. For light, as on screens, they are red, green and blue."),
    ("List five fruits that are high in vitamin C.",
     "1. Oranges\n2. Kiwifruit\n3. Strawberries\n4. Guava\n5. Papaya"),
    ("Name the planets of the solar system in order from the sun.",
     "Mercury, Venus, Earth, Mars, Jupiter, Saturn, Uranus and Neptune."),
    ("List four tips for better sleep.",
     "1. Go to bed and wake up at the same time every day.\n2. Avoid caffeine in the afternoon and evening.\n3. Keep the bedroom dark, quiet and cool.\n4. Put screens away at least 30 minutes before bed."),
    ("Give three examples of renewable energy.",
     "Solar power, wind power and hydroelectric power. Geothermal energy is another common example."),
    ("List the steps to make a cup of tea.",
     "1. Boil fresh water.\n2. Put a tea bag or loose tea in a cup or pot.\n3. Pour the hot water over the tea.\n4. Let it steep for 3 to 5 minutes, depending on how strong you like it.\n5. Remove the tea and add milk, sugar or lemon if you wish."),
    ("List five common punctuation marks.",
     "The full stop (period), the comma, the question mark, the exclamation mark and the apostrophe."),
    ("Name four types of clouds.",
     "Cumulus, stratus, cirrus and cumulonimbus. Cumulonimbus clouds are the tall ones that bring thunderstorms."),
    ("List three advantages of working remotely.",
     "1. No commute, which saves time and money.\n2. More flexibility in how you schedule the workday.\n3. Access to jobs regardless of where you live."),
    ("What should I pack for a day hike? Give a short list.",
     "Water, snacks, a rain jacket, sun protection, a small first-aid kit, and a map or a charged phone with offline maps."),
    ("Give five hyperparameters you might tune when fine-tuning a transformer.",
     "1. Learning rate\n2. Batch size\n3. Number of epochs\n4. Weight decay\n5. Warm-up steps (or warm-up ratio)"),
    ("List the three states of matter most people learn about at school.",
     "Solid, liquid and gas. Plasma is often mentioned as a fourth state."),
    ("Name all seven continents.",
     "Africa, Antarctica, Asia, Australia (or Oceania), Europe, North America and South America."),
    ("List three ways to reduce energy use at home.",
     "1. Switch to LED bulbs.\n2. Turn the heating down a degree or two and seal draughts around doors and windows.\n3. Switch off devices at the wall instead of leaving them on standby."),
    ("List four common built-in data types in Python.",
     "int for whole numbers, float for decimal numbers, str for text and bool for True or False values. Lists and dictionaries are also used constantly."),
    ("Give three synonyms for 'happy'.",
     "Cheerful, joyful and content."),
    ("List the days of the week in French.",
     "Lundi, mardi, mercredi, jeudi, vendredi, samedi and dimanche (Monday to Sunday). In French they are not capitalised."),
    ("List five items for a basic first-aid kit.",
     "1. Adhesive bandages (plasters)\n2. Sterile gauze pads\n3. Medical tape\n4. Antiseptic wipes\n5. Tweezers"),
    ("List three metrics used to evaluate a classification model.",
     "Accuracy, precision and recall. The F1 score, which combines precision and recall, is especially useful when the classes are imbalanced."),
    ("Name three instruments in the string family of an orchestra.",
     "Violin, viola and cello. The double bass completes the family."),
]

PYTHON = [
    ("Write a Python function that reverses a string.",
     "def reverse_string(s):\n    return s[::-1]\n\nFor example, reverse_string(\"hello\") returns \"olleh\"."),
    ("How do I read a text file line by line in Python?",
     "with open(\"notes.txt\", encoding=\"utf-8\") as f:\n    for line in f:\n        print(line.rstrip())\n\nThe with block closes the file automatically, and rstrip() removes the trailing newline."),
    ("Write a Python one-liner that squares every number in a list called nums.",
     "squares = [n * n for n in nums]"),
    ("Write a Python function that checks whether a number is even.",
     "def is_even(n):\n    return n % 2 == 0\n\nThe % operator gives the remainder, which is 0 for even numbers."),
    ("How do I count how often each word appears in a sentence in Python?",
     "from collections import Counter\n\nsentence = \"the cat and the hat\"\ncounts = Counter(sentence.split())\nprint(counts)  # Counter({'the': 2, 'cat': 1, 'and': 1, 'hat': 1})"),
    ("Write a Python function to compute the factorial of n.",
     "def factorial(n):\n    result = 1\n    for i in range(2, n + 1):\n        result *= i\n    return result\n\nfactorial(5) returns 120. The standard library also offers math.factorial."),
    ("How do I remove duplicates from a list in Python while keeping the original order?",
     "items = [3, 1, 3, 2, 1]\nunique = list(dict.fromkeys(items))\nprint(unique)  # [3, 1, 2]\n\nDictionaries keep insertion order, so the first occurrence of each item wins."),
    ("Write Python code to read a CSV file into a list of dictionaries.",
     "import csv\n\nwith open(\"data.csv\", newline=\"\", encoding=\"utf-8\") as f:\n    rows = list(csv.DictReader(f))\n\nEach row is a dictionary keyed by the column names in the header."),
    ("How do I sort a list of dictionaries by the 'age' key in Python?",
     "people.sort(key=lambda p: p[\"age\"])\n\nThis sorts in place. Use sorted(people, key=lambda p: p[\"age\"], reverse=True) to get a new list in descending order."),
    ("Write a Python function that returns the largest number in a list without using max().",
     "def largest(nums):\n    best = nums[0]\n    for n in nums[1:]:\n        if n > best:\n            best = n\n    return best\n\nIt assumes the list is not empty."),
    ("How do I get today's date in Python?",
     "from datetime import date\n\ntoday = date.today()\nprint(today.isoformat())  # e.g. 2024-05-17"),
    ("Write a Python function that checks whether a string is a palindrome, ignoring case.",
     "def is_palindrome(s):\n    s = s.lower()\n    return s == s[::-1]\n\nis_palindrome(\"Level\") returns True."),
    ("How do I save a dictionary to a JSON file in Python?",
     "import json\n\ndata = {\"name\": \"Ada\", \"score\": 92}\nwith open(\"data.json\", \"w\", encoding=\"utf-8\") as f:\n    json.dump(data, f, indent=2)"),
    ("What does this Python code print? print(len([x for x in range(10) if x % 3 == 0]))",
     "It prints 4. The list comprehension keeps the numbers from 0 to 9 that are divisible by 3, which are 0, 3, 6 and 9."),
    ("Write a Python loop that prints the numbers 1 to 5.",
     "for i in range(1, 6):\n    print(i)\n\nrange(1, 6) stops before 6, so it yields 1, 2, 3, 4 and 5."),
    ("How do I merge two dictionaries in Python 3.9 or later?",
     "merged = a | b\n\nKeys in b overwrite matching keys in a. In older versions you can write merged = {**a, **b}."),
    ("Write a Python function that converts Celsius to Fahrenheit.",
     "def c_to_f(celsius):\n    return celsius * 9 / 5 + 32\n\nc_to_f(100) returns 212.0."),
    ("How do I handle a division-by-zero error in Python?",
     "try:\n    result = a / b\nexcept ZeroDivisionError:\n    result = None\n    print(\"Cannot divide by zero.\")"),
    ("Write Python code that counts the vowels in a string.",
     "def count_vowels(text):\n    return sum(1 for ch in text.lower() if ch in \"aeiou\")\n\ncount_vowels(\"Fine-Tune Studio\") returns 7."),
    ("What does the Python expression '3' * 3 evaluate to?",
     "It evaluates to the string '333'. Multiplying a string by an integer repeats the string that many times."),
]

SUMMARIES = [
    ("Summarise this sentence: 'Despite weeks of careful planning and several rehearsals, the outdoor wedding had to be moved into the village hall at the last minute because a thunderstorm rolled in just as the guests arrived.'",
     "A sudden thunderstorm forced the outdoor wedding indoors at the last minute."),
    ("Summarise in one short sentence: 'The company said that although sales of its older laptop models had fallen sharply over the past year, strong demand for its new tablets meant that total revenue was slightly higher than the year before.'",
     "Strong tablet sales outweighed falling laptop sales, so revenue rose slightly."),
    ("Summarise: 'After months of complaints from residents about speeding cars near the primary school, the council has agreed to install two speed bumps and a flashing warning sign before the start of the autumn term.'",
     "The council will add speed bumps and a warning sign near the school before the autumn term."),
    ("Give a one-line summary: 'Researchers found that people who kept a simple daily journal for eight weeks reported feeling less stressed than a comparison group, although the effect faded a few months after they stopped writing.'",
     "Daily journaling reduced stress, but the benefit faded after people stopped."),
    ("Summarise: 'The library's new self-checkout machines, installed last month, have cut waiting times at the front desk in half, freeing staff to spend more time helping visitors find books and use the computers.'",
     "New self-checkout machines halved queues and freed library staff to help visitors."),
    ("Summarise this sentence: 'Because the ferry was cancelled due to high winds, dozens of travellers spent the night in the terminal, where volunteers handed out blankets, sandwiches and hot drinks.'",
     "High winds cancelled the ferry, and volunteers looked after the travellers stranded overnight in the terminal."),
    ("Summarise: 'Although the recipe calls for fresh basil, the author notes that a teaspoon of dried basil works perfectly well if it is added earlier in the cooking so that it has time to soften.'",
     "Dried basil can replace fresh basil if you add it earlier in the cooking."),
    ("Summarise: 'The football club announced that its long-serving goalkeeper, who joined as a teenager and has played more than four hundred matches, will retire at the end of the season to spend more time with his family.'",
     "The club's veteran goalkeeper will retire at the end of the season to focus on his family."),
    ("Summarise in under 12 words: 'Engineers discovered that a software update released on Friday had accidentally disabled the alarm feature on thousands of smart thermostats, and a fix was rolled out by Sunday evening.'",
     "A Friday update broke thermostat alarms; a fix arrived Sunday."),
    ("Summarise: 'Many first-time gardeners overwater their plants, assuming more water is always better, when in fact soggy soil can starve roots of oxygen and cause them to rot.'",
     "Overwatering is a common beginner mistake that can make plant roots rot."),
    ("Summarise: 'Train operators warned passengers that engineering works over the holiday weekend would replace some services with buses, adding up to an hour to journeys between the two cities.'",
     "Holiday engineering works mean replacement buses and journeys up to an hour longer."),
    ("Summarise: 'The museum, which had been closed for three years for a major renovation, reopened on Saturday with a new glass roof, an expanded children's section and free entry for local residents during its first month.'",
     "After a three-year renovation, the museum reopened with new features and a month of free entry for locals."),
    ("Summarise: 'Even though the team trained hard all season and won most of their early matches, a string of injuries in the final month meant they missed the playoffs by a single point.'",
     "Late-season injuries cost the team a playoff place by one point."),
    ("Summarise: 'The bakery will stop taking card payments under five dollars because the fees charged by its payment provider have gone up, the owner said in a note taped to the counter.'",
     "Because of higher card fees, the bakery will no longer accept cards for purchases under five dollars."),
    ("Summarise: 'Scientists tracking a flock of migrating geese found that the birds shifted their route by almost two hundred kilometres to avoid a region where an unusually early snowstorm had been forecast.'",
     "Migrating geese changed course by about 200 km to avoid a forecast early snowstorm."),
]

MISC = [
    ("What is the opposite of 'generous'?",
     "The opposite of 'generous' is 'stingy'. 'Selfish' and 'mean' are also close antonyms, depending on the context."),
    ("Classify the sentiment of this review as positive or negative: 'The battery dies within two hours and the screen scratches easily.'",
     "Negative. The reviewer complains about short battery life and a screen that scratches easily."),
    ("Is it 'the data is' or 'the data are'?",
     "Both are accepted. 'The data are' treats data as the plural of 'datum' and is common in scientific writing; 'the data is' treats it as a mass noun and is standard in everyday and business English. Pick one and use it consistently."),
    ("Classify the sentiment: 'This app slaps, the new update is lowkey fire.'",
     "Positive. In this slang, 'slaps' and 'fire' both mean that something is excellent."),
    ("Write a haiku about morning coffee.",
     "Steam curls from the cup\nquiet kitchen, slow sunrise\nthe first sip, then day"),
    ("Suggest a title for a short story about a lighthouse keeper who finds a message in a bottle.",
     "'The Keeper's Letter' would work well. If you want something more mysterious, try 'What the Tide Delivered'."),
    ("What day comes two days after Friday?",
     "Sunday. The day after Friday is Saturday, and the day after that is Sunday."),
    ("Put these words in alphabetical order: pear, apple, mango, banana, cherry.",
     "apple, banana, cherry, mango, pear"),
    ("Write a short thank-you message to a colleague who helped with a project.",
     "Thank you so much for your help on the project. Your feedback on the report and your patience with the data made a real difference, and I couldn't have finished on time without you."),
]


def _num(x, places=2):
    """Format a number without trailing zeros: 3.50 -> 3.5, 4.00 -> 4."""
    s = ("%." + str(places) + "f") % x
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def _conversions(rng, n):
    specs = [
        ("km", "mi", 0.621371, [5, 8, 10, 12, 21, 42, 50, 100, 160],
         ["Convert {v} kilometres to miles.", "How many miles is {v} km?"],
         "{v} km is about {r} miles, since 1 kilometre is roughly 0.621 miles."),
        ("mi", "km", 1.609344, [3, 5, 13, 26, 60, 200],
         ["Convert {v} miles to kilometres.", "How far is {v} miles in km?"],
         "{v} miles is about {r} km, because 1 mile equals 1.609 kilometres."),
        ("C", "F", None, [-10, 0, 18, 25, 37, 100, 180, 220],
         ["Convert {v} degrees Celsius to Fahrenheit.", "What is {v} °C in Fahrenheit?"],
         "{v} °C is {r} °F. Multiply by 9/5 and add 32: {v} × 9/5 + 32 = {r}."),
        ("F", "C", None, [32, 50, 68, 86, 98.6, 212, 350, 400],
         ["Convert {v} °F to Celsius.", "What is {v} degrees Fahrenheit in Celsius?"],
         "{v} °F is about {r} °C. Subtract 32 and multiply by 5/9: ({v} - 32) × 5/9 ≈ {r}."),
        ("kg", "lb", 2.20462, [5, 12, 20, 57, 70, 85],
         ["Convert {v} kg to pounds.", "How many pounds is {v} kilograms?"],
         "{v} kg is about {r} lb, since 1 kilogram is roughly 2.205 pounds."),
        ("lb", "kg", 0.45359237, [2, 10, 25, 150, 180],
         ["Convert {v} pounds to kilograms.", "How many kilograms is {v} lb?"],
         "{v} lb is about {r} kg, because 1 pound is about 0.454 kilograms."),
        ("L", "gal", 0.264172, [2, 4, 10, 20, 50],
         ["Convert {v} litres to US gallons.", "How many US gallons are in {v} litres?"],
         "{v} litres is about {r} US gallons (1 litre ≈ 0.264 US gallons)."),
        ("in", "cm", 2.54, [6, 12, 15.6, 27, 55],
         ["Convert {v} inches to centimetres.", "How many cm is {v} inches?"],
         "{v} inches is {r} cm. One inch is exactly 2.54 centimetres."),
        ("ft", "m", 0.3048, [3, 6, 10, 100, 5280],
         ["Convert {v} feet to metres.", "How many metres is {v} feet?"],
         "{v} feet is about {r} metres, since one foot is exactly 0.3048 m."),
        ("m", "ft", 1 / 0.3048, [2, 10, 100, 400],
         ["Convert {v} metres to feet.", "How many feet are in {v} metres?"],
         "{v} metres is about {r} feet (1 metre ≈ 3.281 feet)."),
        ("h", "s", 3600, [2, 3, 24],
         ["How many seconds are in {v} hours?"],
         "There are {r} seconds in {v} hours: {v} × 60 minutes × 60 seconds = {r}."),
        ("kmh", "ms", 1 / 3.6, [18, 36, 50, 90, 120],
         ["Convert {v} km/h to metres per second.", "What is {v} km/h in m/s?"],
         "{v} km/h is about {r} m/s. Divide by 3.6, because 1 km/h = 1000 m / 3600 s."),
        ("oz", "g", 28.349523, [4, 8, 16],
         ["Convert {v} ounces to grams.", "How many grams are in {v} oz?"],
         "{v} oz is about {r} grams, since one ounce is roughly 28.35 g."),
    ]
    items, used = [], set()
    while len(items) < n:
        src, dst, factor, values, instr, resp = rng.choice(specs)
        v = rng.choice(values)
        if (src, v) in used:
            continue
        used.add((src, v))
        if src == "C":
            r = v * 9 / 5 + 32
            places = 1
        elif src == "F":
            r = (v - 32) * 5 / 9
            places = 1
        elif src == "h":
            r = v * 3600
            places = 0
        else:
            r = v * factor
            places = 2 if r < 100 else 1
        r_s = "{:,}".format(int(round(r))) if places == 0 or r >= 1000 else _num(r, places)
        v_s = "{:,}".format(v) if isinstance(v, int) else _num(v, 1)
        items.append((rng.choice(instr).format(v=v_s), resp.format(v=v_s, r=r_s)))
    return items


def _arithmetic(rng, n):
    items, seen = [], set()
    while len(items) < n:
        kind = rng.choice(["pct", "discount", "tip", "mean", "change"])
        if kind == "pct":
            p, x = rng.choice([5, 10, 12, 15, 20, 25, 40, 75]), rng.choice([40, 80, 120, 250, 360, 1200])
            q = "What is {}% of {}?".format(p, x)
            a = "{}% of {} is {}. Multiply {} by {}/100: {} × {} = {}.".format(
                p, x, _num(p * x / 100), x, p, x, _num(p / 100), _num(p * x / 100))
        elif kind == "discount":
            price, p = rng.choice([40, 60, 85, 120, 249]), rng.choice([10, 15, 20, 25, 30])
            d = price * p / 100
            q = "A jacket costs ${} and is {}% off. What is the sale price?".format(price, p)
            a = "The discount is {}% of ${}, which is ${:.2f}, so the sale price is ${:.2f}.".format(p, price, d, price - d)
        elif kind == "tip":
            bill, p = rng.choice([24, 38, 45, 62, 80, 115]), rng.choice([10, 15, 18, 20])
            t = bill * p / 100
            q = "Calculate a {}% tip on a ${} restaurant bill.".format(p, bill)
            a = "A {}% tip on ${} is ${:.2f}, making the total ${:.2f}.".format(p, bill, t, bill + t)
        elif kind == "mean":
            nums = sorted(rng.sample(range(2, 40), rng.choice([4, 5])))
            s = sum(nums)
            q = "What is the average of {}?".format(", ".join(map(str, nums)))
            a = "The numbers add up to {} and there are {} of them, so the average is {} ÷ {} = {}.".format(
                s, len(nums), s, len(nums), _num(s / len(nums)))
        else:
            a0, pct = rng.choice([20, 40, 50, 80, 200]), rng.choice([5, 10, 15, 25, 30])
            b0 = a0 * (100 + pct) / 100
            q = "A price went up from ${} to ${}. What is the percentage increase?".format(a0, _num(b0))
            a = "The increase is ${}, and {} ÷ {} = {}, so the price rose by {}%.".format(
                _num(b0 - a0), _num(b0 - a0), a0, _num(pct / 100), pct)
        if q in seen:
            continue
        seen.add(q)
        items.append((fix_articles(q), fix_articles(a)))
    return items


def build_instructions(rng):
    rows = (DEFINITIONS + EXPLANATIONS + REWRITES + LISTS + PYTHON + SUMMARIES + MISC)
    rows = rows + _conversions(rng, 180 - len(rows) - 12) + _arithmetic(rng, 12)
    assert len(rows) == 180, len(rows)
    assert len(set(r[0] for r in rows)) == 180, "duplicate instruction"
    rows = list(rows)
    rng.shuffle(rows)
    return rows


# ---------------------------------------------------------------------------
# writing, statistics, README
# ---------------------------------------------------------------------------

def _stats(lengths):
    xs = sorted(lengths)
    p95 = xs[min(len(xs) - 1, int(math.ceil(0.95 * len(xs))) - 1)]
    return {"min": xs[0], "median": statistics.median(xs), "p95": p95, "max": xs[-1]}


def _fmt_stats(st):
    med = st["median"]
    med = int(med) if float(med).is_integer() else med
    return "min {} / median {} / p95 {} / max {} words".format(st["min"], med, st["p95"], st["max"])


def _write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


README_TEMPLATE = """# Bundled demo datasets

Small, original datasets shipped with Fine-Tune Studio so every task can be tried
without downloading anything. They are deliberately tiny (a few hundred rows):
good for smoke tests, demos and quick padding/truncation experiments, not for
benchmarking. Lengths are intentionally skewed (most rows short, a long tail),
so dynamic padding and `max_length` choices make a visible difference.

All files are UTF-8. CSV files have a header row and standard quoting (Python's
`csv` module). Word counts below are whitespace-separated tokens, measured on
the committed files.

The files are generated by `build_datasets.py` (standard library only, fixed
seed, deterministic) from fragments written by hand for this project; re-running
it reproduces them exactly. No text was taken from existing datasets, books or
quotation collections.

## sentiment.csv

- Columns: `text` (string), `label` (`positive` or `negative`)
- Rows: {s_rows}; label balance: {s_pos} positive / {s_neg} negative
- Length (`text`): {s_len}; {s_short} rows are 3-20 words, {s_long} rows exceed 120 words
- Product, app, restaurant and movie reviews. Includes {s_slang} positive reviews
  written in slang whose literal words look negative ("this app slaps",
  "stupid good", "it's a beast"; {s_sick} of them use "sick" as praise) and
  {s_sarc} sarcastic negatives whose words look polite ("Great, it broke
  after one day."). The label is always decidable by a human from the text
  alone. The studio's flagship example, "this product is sick", is
  deliberately not in the file: the default run must generalise to it
  (tests/test_flagship.py).

## paraphrase.csv

- Columns: `sentence1`, `sentence2` (strings), `label` (integer: `1` =
  paraphrase, same meaning in different words; `0` = not a paraphrase)
- Rows: {p_rows}; label balance: {p_pos} paraphrase / {p_neg} not paraphrase
- Length (each sentence): {p_len}; {p_long} of {p_sents} sentences are 40+ words
- News-wire and everyday sentences in the style of MRPC. Negative pairs stay on
  the same topic but change the meaning: different numbers, dates or places,
  negation or the opposite outcome, swapped roles, or a different claim. All
  companies, people and teams are fictional.

## quotes.csv

- Columns: `quote`, `author` (strings; no surrounding quote marks in the field)
- Rows: {q_rows}; {q_authors} fictional authors with {q_min}-{q_max} quotes each
- Length (`quote`): {q_len}
- Original aphorisms; each invented author has a recognisable voice (a gardener,
  a sailor, a programmer, a chess player, ...). Suitable for text generation
  or author classification demos. None of the authors are real people.

## instructions.jsonl

- One JSON object per line: `{{"instruction": ..., "response": ...}}`
- Rows: {i_rows}
- Length (`response`): {i_len}; instruction length: {i_ilen}
- Short helpful tasks: definitions, explanations, sentence rewrites, lists,
  unit conversions and small calculations (computed, not typed), small Python
  snippets in plain text, and one-sentence summaries. Responses are concise
  and checked for correctness.

## Licence

Written for Fine-Tune Studio by its authors; released under CC0 1.0 (public domain dedication).
"""


def main():
    rng = random.Random(SEED)
    sentiment = build_sentiment(random.Random(rng.random()))
    paraphrase = build_paraphrase(random.Random(rng.random()))
    quotes = build_quotes(random.Random(rng.random()))
    instructions = build_instructions(random.Random(rng.random()))

    _write_csv(os.path.join(HERE, "sentiment.csv"), ["text", "label"], sentiment)
    _write_csv(os.path.join(HERE, "paraphrase.csv"), ["sentence1", "sentence2", "label"], paraphrase)
    _write_csv(os.path.join(HERE, "quotes.csv"), ["quote", "author"], quotes)
    with open(os.path.join(HERE, "instructions.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for ins, resp in instructions:
            f.write(json.dumps({"instruction": ins, "response": resp}, ensure_ascii=False) + "\n")

    s_len = [wc(t) for t, _ in sentiment]
    p_len = [wc(s) for a, b, _ in paraphrase for s in (a, b)]
    authors = {}
    for _, a in quotes:
        authors[a] = authors.get(a, 0) + 1
    slang = set(t.lower().rstrip(".!") for t in SLANG_POSITIVE + SLANG_SICK)
    sarc = set(SARCASM_NEGATIVE)
    readme = README_TEMPLATE.format(
        s_rows=len(sentiment),
        s_pos=sum(1 for _, l in sentiment if l == "positive"),
        s_neg=sum(1 for _, l in sentiment if l == "negative"),
        s_len=_fmt_stats(_stats(s_len)),
        s_short=sum(1 for x in s_len if 3 <= x <= 20),
        s_long=sum(1 for x in s_len if x > 120),
        s_slang=sum(1 for t, _ in sentiment if t.lower().rstrip(".!") in slang),
        s_sarc=sum(1 for t, _ in sentiment if t in sarc),
        s_sick=sum(1 for t, _ in sentiment if t.lower().rstrip(".!") in {x.lower().rstrip(".!") for x in SLANG_SICK}),
        p_rows=len(paraphrase),
        p_pos=sum(1 for r in paraphrase if r[2] == 1),
        p_neg=sum(1 for r in paraphrase if r[2] == 0),
        p_len=_fmt_stats(_stats(p_len)),
        p_long=sum(1 for x in p_len if x >= 40),
        p_sents=len(p_len),
        q_rows=len(quotes),
        q_authors=len(authors),
        q_min=min(authors.values()),
        q_max=max(authors.values()),
        q_len=_fmt_stats(_stats([wc(q) for q, _ in quotes])),
        i_rows=len(instructions),
        i_len=_fmt_stats(_stats([wc(r) for _, r in instructions])),
        i_ilen=_fmt_stats(_stats([wc(i) for i, _ in instructions])),
    )
    with open(os.path.join(HERE, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(readme)
    print("wrote sentiment.csv ({}), paraphrase.csv ({}), quotes.csv ({}), instructions.jsonl ({})".format(
        len(sentiment), len(paraphrase), len(quotes), len(instructions)))


if __name__ == "__main__":
    main()
