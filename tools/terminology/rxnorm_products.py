#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Builds data/terminology/rxnorm_products.csv from value-set expansions.

Input: data/terminology-sources/rxnorm-value-sets.tsv, one RxNorm concept per line as listed by a
value set: code, display, value-set id (VSAC OID or IG id), value-set name, version, source
(`repository@commit:path` of the file that holds the expansion). The file is a filtered copy of
NLM VSAC expansions (cqframework/ecqm-content-qicore-2024), HL7 PDDI CDS value sets and an OMOP
RxNorm list (PEDSnet): see docs/terminology.md, "Product coverage".

For every medication word and allergy substance of the vocabulary, the script keeps the
*product* concepts (clinical or branded drugs, packs: a strength or a dose form in the display)
whose display names the word's ingredient, maps each to its ingredient word(s) (a combination of
vocabulary ingredients maps to all of them, joined by +) and to the route its dose form implies.
Codes already in data/terminology/rxnorm.csv are left to that file. Nothing is typed by hand but
the ingredient patterns below.

  /usr/bin/python3 tools/terminology/rxnorm_products.py            # rebuild the table
  /usr/bin/python3 tools/terminology/rxnorm_products.py --filter ALL.tsv
      # rewrite the sources file from a larger TSV of the same columns (keeps matching rows)
  /usr/bin/python3 tools/terminology/rxnorm_products.py --coverage  # the docs coverage table
"""
import collections
import csv
import io
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCES = os.path.join(ROOT, 'data', 'terminology-sources', 'rxnorm-value-sets.tsv')
TABLE = os.path.join(ROOT, 'data', 'terminology', 'rxnorm.csv')
OUT = os.path.join(ROOT, 'data', 'terminology', 'rxnorm_products.csv')

# kind, word, ingredient pattern (on the lower-case display, whole words).
WORDS = [
    ('medication', 'warfarin', r'warfarin'),
    ('medication', 'apixaban', r'apixaban'),
    ('medication', 'rivaroxaban', r'rivaroxaban'),
    ('medication', 'edoxaban', r'edoxaban'),
    ('medication', 'dabigatran', r'dabigatran'),
    ('medication', 'heparin', r'heparin'),
    ('medication', 'enoxaparin', r'enoxaparin'),
    ('medication', 'dalteparin', r'dalteparin'),
    ('medication', 'fondaparinux', r'fondaparinux'),
    ('medication', 'clopidogrel', r'clopidogrel'),
    ('medication', 'prasugrel', r'prasugrel'),
    ('medication', 'ticagrelor', r'ticagrelor'),
    ('medication', 'dipyridamole', r'dipyridamole'),
    ('medication', 'aspirin', r'aspirin'),
    ('medication', 'ibuprofen', r'ibuprofen'),
    ('medication', 'naproxen', r'naproxen'),
    ('medication', 'diclofenac', r'diclofenac'),
    ('medication', 'ketoprofen', r'ketoprofen'),
    ('medication', 'celecoxib', r'celecoxib'),
    ('medication', 'fish_oil', r'fish oil|omega-3-acid ethyl esters|icosapent ethyl'),
    ('medication', 'vitamin_e', r'vitamin e|alpha-tocopherol|tocopherol'),
    ('medication', 'ginkgo', r'ginkgo'),
    ('medication', 'garlic', r'garlic'),
    ('medication', 'ginseng', r'ginseng'),
    ('medication', 'turmeric', r'turmeric|curcumin'),
    ('medication', 'isotretinoin', r'isotretinoin'),
    ('medication', 'acitretin', r'acitretin'),
    ('medication', 'tretinoin', r'tretinoin'),
    ('medication', 'adapalene', r'adapalene'),
    ('medication', 'tazarotene', r'tazarotene'),
    ('medication', 'retinol', r'retinol'),
    ('medication', 'trifarotene', r'trifarotene'),
    ('medication', 'benzoyl_peroxide', r'benzoyl peroxide'),
    ('medication', 'azelaic_acid', r'azelaic acid'),
    ('medication', 'salicylic_acid', r'salicylic acid'),
    ('medication', 'glycolic_acid', r'glycolic acid'),
    ('medication', 'doxycycline', r'doxycycline'),
    ('medication', 'minocycline', r'minocycline'),
    ('medication', 'tetracycline', r'tetracycline'),
    ('medication', 'clindamycin', r'clindamycin'),
    ('medication', 'erythromycin', r'erythromycin'),
    ('medication', 'spironolactone', r'spironolactone'),
    ('medication', 'methotrexate', r'methotrexate'),
    ('medication', 'ciclosporin', r'cyclosporine|ciclosporin'),
    ('medication', 'tacrolimus', r'tacrolimus'),
    ('medication', 'mycophenolate', r'mycophenolate|mycophenolic acid'),
    ('medication', 'azathioprine', r'azathioprine'),
    ('medication', 'prednisolone', r'prednisolone'),
    ('medication', 'prednisone', r'prednisone'),
    ('medication', 'dexamethasone', r'dexamethasone'),
    ('medication', 'gold_salts', r'auranofin|aurothioglucose|gold sodium thiomalate'),
    ('medication', 'valaciclovir', r'valacyclovir|valaciclovir'),
    ('medication', 'aciclovir', r'acyclovir|aciclovir'),
    ('medication', 'famciclovir', r'famciclovir'),
    ('medication', 'minoxidil', r'minoxidil'),
    ('allergy', 'lidocaine', r'lidocaine'),
    ('allergy', 'prilocaine', r'prilocaine'),
    ('allergy', 'articaine', r'articaine'),
    ('allergy', 'bupivacaine', r'bupivacaine'),
    ('allergy', 'benzocaine', r'benzocaine'),
    ('allergy', 'tetracaine', r'tetracaine'),
    ('allergy', 'procaine', r'procaine'),
    ('allergy', 'chlorhexidine', r'chlorhexidine'),
    ('allergy', 'povidone_iodine', r'povidone-iodine|povidone iodine'),
    ('allergy', 'isopropyl_alcohol', r'isopropyl alcohol'),
    ('allergy', 'hyaluronic_acid', r'hyaluronic acid|hyaluronate'),
    ('allergy', 'lanolin', r'lanolin'),
    ('allergy', 'propylene_glycol', r'propylene glycol'),
]
# Vocabulary words that no RxNorm *product* can name, listed in the coverage table with the reason
# (they have no ingredient pattern: nothing is generated for them).
NO_PRODUCTS = [
    ('medication', 'acenocoumarol',
     'not marketed in the US: no VSAC, PDDI or OMOP list in reach names an RxNorm product; read '
     'from ATC B01AA07 and by name (names.csv)'),
    ('allergy', 'nickel',
     'an allergen, not a medicine: coded as a substance (RxNorm 1311629 nickel, 31738 nickel '
     'sulfate; SNOMED CT 43921001), no product'),
    ('allergy', 'chromium',
     'an allergen, not a medicine; no reachable set has a substance code for it: matched by name'),
    ('allergy', 'cobalt',
     'an allergen, not a medicine; no reachable set has a substance code for it: matched by name'),
    ('allergy', 'gold',
     'an allergen (jewellery, gold threads), not a medicine; no reachable set has a substance code '
     'for it: matched by name (gold salts as a medicine are the word gold_salts)'),
    ('allergy', 'latex',
     'a material, not a medicine: coded as a substance (RxNorm 1314891; SNOMED CT 111088007), '
     'a disorder (300916003) or a denial (716184000), no product'),
    ('allergy', 'fragrance',
     'no RxNorm or SNOMED CT code in any reachable set: matched by name (fragrance, perfume)'),
]
COMPILED = [(k, w, re.compile(r'(?<![a-z])(?:' + p + r')(?![a-z])')) for k, w, p in WORDS]

# A product display names a strength or a dose form (an ingredient or brand name alone does not).
PRODUCT = re.compile(r'\d|\b(tablet|capsule|solution|suspension|injection|injectable|cream|'
                     r'ointment|gel|lotion|foam|shampoo|patch|pack|syringe|cartridge|pen|'
                     r'powder|spray|film|pad|kit)\b', re.I)
ROUTES = [
    ('other', r'ophthalmic|otic|nasal|inhal|vaginal|rectal|enema|suppositor|intrathecal|'
              r'urethral|irrigation|mouthwash|oral rinse|dental|toothpaste|mucosal|buccal'),
    ('injection', r'inject|syringe|cartridge|auto-injector|\bpen\b|intravenous|'
                  r'intramuscular|subcutaneous|infusion'),
    ('topical', r'topical|cream|ointment|\bgel\b|lotion|foam|shampoo|transdermal|patch|'
                r'medicated pad|cutaneous|soap|cleanser|paste|\bpad\b'),
    ('oral', r'oral|tablet|capsule|chewable|lozenge|granules|syrup|elixir|sprinkle'),
]
ROUTES = [(r, re.compile(p, re.I)) for r, p in ROUTES]


def read_sources():
    with open(SOURCES, newline='') as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            code, display, set_id, set_name, version, source = line.rstrip('\n').split('\t')
            yield code, display, set_id, set_name, version, source


# Displays never read as the word: procaine penicillin is an allergy to penicillin first (the
# anaesthetic is only its salt partner); a heparin lock flush is not an anticoagulant treatment.
EXCLUDE = {'procaine': re.compile(r'penicillin'), 'heparin': re.compile(r'flush')}


def words_of(display):
    d = display.lower()
    out = []
    for kind, word, rx in COMPILED:
        if rx.search(d) and not (word in EXCLUDE and EXCLUDE[word].search(d)):
            out.append((kind, word))
    return out


def route_of(display):
    for route, rx in ROUTES:
        if rx.search(display):
            return route
    return None


def existing_codes():
    with open(TABLE, newline='') as f:
        return {r[0] for r in csv.reader(l for l in f if not l.startswith('#')) if r}


def build():
    known = existing_codes()
    chosen = {}  # code -> row fields
    sets = collections.defaultdict(set)  # code -> value sets listing it
    for code, display, set_id, set_name, version, source in read_sources():
        ws = words_of(display)
        if not ws or not PRODUCT.search(display) or not code.isdigit():
            continue
        sets[code].add((set_id, set_name))
        if code in known or code in chosen:
            continue
        meds = sorted({w for k, w in ws if k == 'medication'}, key=lambda w: [x[1] for x in WORDS].index(w))
        allergies = [w for k, w in ws if k == 'allergy']
        route = route_of(display)
        chosen[code] = (display, meds, allergies, route, set_id, set_name, source)
    rows = []
    for code in sorted(chosen, key=int):
        display, meds, allergies, route, set_id, set_name, source = chosen[code]
        detail = 'form=product' + (f' route={route}' if route else '')
        if meds:
            rows.append((code, 'exact', 'medication', '+'.join(meds), detail, display, source))
        else:
            # An allergy substance product (e.g. a lidocaine injection) names the substance.
            rows.append((code, 'exact', 'allergy', allergies[0], detail, display, source))
    return rows, sets, chosen


def write(rows):
    out = io.StringIO()
    out.write('# RxNorm product codes (SCD, SBD, packs) from value-set expansions -> medication and\n'
              '# allergy words. GENERATED by tools/terminology/rxnorm_products.py from\n'
              '# data/terminology-sources/rxnorm-value-sets.tsv; do not edit by hand (edit rxnorm.csv for\n'
              '# hand-checked rows: its codes are skipped here). Columns as in rxnorm.csv.\n')
    w = csv.writer(out, lineterminator='\n')
    w.writerow(['code', 'match', 'kind', 'word', 'detail', 'display', 'source'])
    for r in rows:
        w.writerow(r)
    with open(OUT, 'w', newline='') as f:
        f.write(out.getvalue())


def hand_rows():
    with open(TABLE, newline='') as f:
        for r in csv.DictReader(l for l in f if not l.startswith('#')):
            if 'form=product' in r['detail'] and r['kind'] in ('medication', 'allergy'):
                yield (r['code'], r['match'], r['kind'], r['word'], r['detail'], r['display'], r['source'])


def coverage(rows, sets, chosen):
    per = collections.defaultdict(lambda: [0, collections.Counter()])
    hand = collections.Counter()
    for code, _, kind, word, _, _, _ in hand_rows():
        for w in word.split('+'):
            hand[w] += 1
    for code, _, kind, word, _, _, _ in rows:
        for w in word.split('+'):
            per[w][0] += 1
            for set_id, set_name in sets[code]:
                per[w][1][f'{set_name} ({set_id})'] += 1
    print('| word | kind | product codes (generated) | product codes (rxnorm.csv) | value sets listing the generated codes (codes) |')
    print('| --- | --- | --- | --- | --- |')
    for kind, word, _ in WORDS:
        n, c = per.get(word, [0, collections.Counter()])
        listed = '; '.join(f'{k}: {v}' for k, v in c.most_common(6))
        more = len(c) - 6
        if more > 0:
            listed += f'; {more} more'
        print(f'| {word} | {kind} | {n} | {hand[word]} | {listed or "—"} |')
    for kind, word, reason in NO_PRODUCTS:
        print(f'| {word} | {kind} | 0 | {hand[word]} | — ({reason}) |')


def filter_input(path):
    keep = []
    with open(path, newline='') as f:
        for line in f:
            parts = line.rstrip('\n').split('\t')
            if len(parts) != 6:
                continue
            if words_of(parts[1]) and PRODUCT.search(parts[1]):
                keep.append('\t'.join(parts))
    keep = sorted(set(keep), key=lambda l: (int(l.split('\t')[0]) if l.split('\t')[0].isdigit() else 0, l))
    with open(SOURCES, 'w', newline='') as f:
        f.write('# RxNorm concepts listed by value-set expansions whose display names a vocabulary\n'
                '# ingredient or allergy substance (filtered by tools/terminology/rxnorm_products.py).\n'
                '# code<TAB>display<TAB>value set id<TAB>value set name<TAB>version<TAB>source file\n')
        f.write('\n'.join(keep) + '\n')
    print(len(keep), 'rows kept')


if __name__ == '__main__':
    if len(sys.argv) > 2 and sys.argv[1] == '--filter':
        filter_input(sys.argv[2])
    else:
        rows, sets, chosen = build()
        if len(sys.argv) > 1 and sys.argv[1] == '--coverage':
            coverage(rows, sets, chosen)
        else:
            write(rows)
            print(len(rows), 'rows written to', os.path.relpath(OUT, ROOT))
