"""The demo site's vocabulary: safe-for-work tags by category, user names, pool and set names.

Lists are ordered by intended popularity; the generator draws from them with Zipf-like weights,
so the first entries of each list are the most common tags.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


ARTISTS = _words(
    """
    mossbrush tidewalker amber_quill pixelpaws nightjar_studio copperleaf lumen_fox saltmarsh
    driftwood_ink brightfeather quietgrove emberline velvet_comet hazelnook northwind_art
    cobalt_kettle tallgrass sunny_scribbles inkwell_otter paper_lantern marigold_mews frostfern
    starling_sketches teacup_tiger wandering_wren clover_cove mapleshade lazuli oakhollow
    riverstone pebble_and_pine sable_sketch honeydew_art stormcloud thistledown glimmerwing
    kettle_corn soft_static moonlit_moth unknown_artist
"""
)

CONTRIBUTORS = _words(
    """
    colorist_kit lineart_lou flat_fern bg_bramble
"""
)

COPYRIGHTS = _words(
    """
    fox_tales sky_harbor emberfall the_wild_road moonpath_chronicles pocket_critters
    river_kingdom starfield_academy tinker_town cloudsea lantern_festival mythic_meadow
    copper_canyon frost_and_fern original_work
"""
)

CHARACTERS = _words(
    """
    ember_(fox_tales) juniper_(fox_tales) captain_rook willow_(sky_harbor) marlo ash_(emberfall)
    kestrel tamsin_(the_wild_road) bramble_(fox_tales) nova sage_(moonpath_chronicles)
    pip_(pocket_critters) orrin fennel bastion luna_(moonpath_chronicles) cinder_(emberfall)
    maple_(river_kingdom) tobias iris_(starfield_academy) gizmo_(tinker_town) skye
    rowan_(cloudsea) hazel quill_(lantern_festival) thorn_(mythic_meadow) dusty_(copper_canyon)
    frost clementine basil ember_(emberfall) nimbus_(cloudsea) patch olive rusty_(copper_canyon)
    wren biscuit sprocket_(tinker_town) solstice mika
"""
)

SPECIES = _words(
    """
    mammal canine fox wolf felid cat dragon avian bird rabbit lagomorph otter mustelid deer
    cervine horse equine raccoon procyonid bear ursine red_panda ailurid lion tiger snow_leopard
    shark fish lizard reptile owl hyena sergal protogen gryphon
"""
)

GENERAL = _words(
    """
    solo smile outside looking_at_viewer open_mouth standing clothed blue_eyes tail green_eyes
    sky tree grass fur simple_background white_background day duo sitting cloud hair text
    brown_fur orange_fur fluffy fluffy_tail holding_object scarf hat water night star moon
    flower plant forest snow winter autumn leaf book reading food cup tea coffee cake fruit
    apple umbrella rain sunset sunrise mountain beach sea river lake bridge city building window
    lamp lantern candle fire campfire tent backpack map compass boat sailing train bicycle kite
    balloon gift musical_instrument guitar piano violin singing dancing running walking sleeping
    yawn stretching hug group trio friends family waving thumbs_up wink blush happy laugh
    surprised thinking sweater hoodie jacket boots glasses headphones bandanna cape armor sword
    shield staff magic glowing sparkles crystal gem treasure castle ruins cave garden field
    meadow picnic blanket pillow bed couch kitchen cooking baking painting drawing paintbrush
    camera phone computer video_games controller cards board_game chess fishing swimming
    floating flying wings feathers paws claws whiskers horn spots stripes heterochromia freckles
"""
)

META = _words(
    """
    hi_res digital_media_(artwork) absurd_res traditional_media_(artwork) sketch comic animated
    colored monochrome short_playtime widescreen watercolor_(artwork) pixel_(artwork) line_art
    cel_shading
"""
)

LORE = _words(
    """
    canon_couple siblings_(lore) mentor_(lore) rivals_(lore)
"""
)

INVALID = _words(
    """
    tagme unknown_species_(disambiguation) needs_source
"""
)


#: Tag aliases (antecedent -> consequent) the autocomplete answers for.
ALIASES: dict[str, str] = {
    "kitty": "cat",
    "kitten": "cat",
    "vulpine": "fox",
    "smiling": "smile",
    "hires": "hi_res",
    "woods": "forest",
}

UPLOADERS = _words(
    """
    Acorn_Archivist bluebell Cedar_Keeper dawn_patrol Elm_Street fernweh Gadget_Goose
    harbor_light Ivy_League jasper_j Kite_Runner lilypad Meadowlark nettle Orchard_Owl
    puddle_jumper Quokka_Quest rosemary
"""
)


#: An uploader whose favorites are hidden (e621-api.md §3.1, §0.9 `fav:` 403).
PRIVATE_FAN = "Quiet_Collector"

POOL_NAMES: tuple[str, ...] = (
    "The_Lantern_Road",
    "Fox_Tales:_Chapter_One",
    "Sky_Harbor_Sketchbook",
    "Emberfall_-_The_Long_Winter",
    "Daily_Doodles_Collection",
    "Moonpath_Comic",
    "Seasons_of_the_Meadow",
    "Tinker_Town_Adventures",
    "Cloudsea_Postcards",
    "River_Kingdom_Stories",
)

SET_THEMES = _words(
    """
    cozy_autumn night_skies best_of_foxes dragon_hoard tea_time rainy_days winter_walks
    reading_nook sunset_collection ocean_views
"""
)


DESCRIPTION_SNIPPETS: tuple[str, ...] = (
    "A quiet evening by the river.",
    "Commission for a friend. Thanks for looking!",
    "Part of my [b]seasons[/b] series.",
    'Painted over three weekends. Process shots on my "gallery":https://example.com/gallery.',
    "[quote]The lantern only lights the next step.[/quote]\nStill true.",
    "Sketch from the stream, cleaned up a little.",
    "Background study; [i]lots[/i] of trees this time.",
)

SOURCE_SITES: tuple[str, ...] = (
    "https://example.com/art/{n}",
    "https://gallery.example.org/view/{n}",
    "https://social.example.net/@artist/{n}",
)
