"""The eligibility check against the brochure's own words, row by row.

Each row is an entry, the brochure's sentence it rests on (verbatim; "..." marks words left
out), a profile changed from BASE (a man of 30 with every fact known) and the verdict those words
imply. Every service has at least one profile that must not be "likely suitable". Where the
brochure is beside the project, every quote is checked against it word for word.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.eligibility_fixtures import (
    BASE,
    assessments,
    brochure_text,
    check,
    client_with,
    directory,
    profile,
    quote_fragments,
)
from tui.services.clients.profile_fields import PROFILE_FIELDS
from tui.services.eligibility import Assessment, CriterionResult

SUITABLE, NOT, INFO, JUDGE, LOCAL = (
    "suitable",
    "not_suitable",
    "needs_information",
    "needs_judgement",
    "check_locally",
)

#: the routes, as the brochure words them
RAR_OR_LICENCE = (
    "for individuals who are sentenced to a Community / Suspended Sentence Order with a"
    " Rehabilitation Activity Requirement or on Licence / Post-Sentence supervision"
)
#: a community order with unpaid work only: no RAR
UPW_ONLY = {"sentence": "community_order", "rar_days": "0", "unpaid_work_hours": "100"}
#: on licence: nothing of a community order recorded
LICENCE = {"sentence": "licence", "rar_days": "unknown", "unpaid_work_hours": "unknown"}
NEED_ELSEWHERE = (
    "A specialist provision for where there is an offending related need which cannot be met"
    " through the range of other interventions."
)

CASES: list[tuple[str, str, dict[str, str], str]] = [
    # --- Thinking Skills Programme
    ("thinking-skills-programme", "(Score of 50 or above on OGRS3)", {"ogrs3": "50"}, SUITABLE),
    ("thinking-skills-programme", "(Score of 50 or above on OGRS3)", {"ogrs3": "49"}, NOT),
    ("thinking-skills-programme", "Gender: Male / Female", {"gender": "female"}, SUITABLE),
    (
        "thinking-skills-programme",
        "Minimum score thresholds must be met to determine suitability.",
        {"tsp_need": "no"},
        NOT,
    ),
    (
        "thinking-skills-programme",
        "Minimum score thresholds must be met to determine suitability.",
        {"tsp_need": "unknown"},
        INFO,
    ),
    (
        "thinking-skills-programme",
        "as well as ensuring their consent and willingness/commitment to engage in an"
        " Accredited Programme",
        {"consent": "no"},
        NOT,
    ),
    (
        "thinking-skills-programme",
        "Each programme has suitability criteria that is used alongside the initial risk"
        " assessment to see if an individual is in scope for a programme.",
        {"accredited_programme_suitable": "no"},
        NOT,
    ),
    # --- iHorizon
    (
        "ihorizon",
        "Group members need to accept that they have problems in the areas that are addressed"
        " by iHorizon and be motivated to work on those problems.",
        {"offence_types": "internet_sexual"},
        LOCAL,
    ),
    (
        "ihorizon",
        "Men with convictions involving other forms of sexual or sexually motivated offending"
        " will not be suitable for iHorizon",
        {"offence_types": "internet_sexual,contact_sexual"},
        NOT,
    ),
    (
        "ihorizon",
        "Assessed as Medium or above Risk of Serious Harm.",
        {"offence_types": "internet_sexual", "rosh": "low"},
        NOT,
    ),
    ("ihorizon", "Gender: Male", {"offence_types": "internet_sexual", "gender": "female"}, NOT),
    (
        "ihorizon",
        "iHorizon is not suitable for men who have intellectual disability.",
        {"offence_types": "internet_sexual", "needs_intellectual_disability": "yes"},
        NOT,
    ),
    (
        "ihorizon",
        "Able to cope with the cognitive demands of a mainstream intervention",
        {"offence_types": "internet_sexual", "needs_learning_disability": "yes"},
        LOCAL,
    ),
    (
        "ihorizon",
        "People should not normally be considered for iHorizon if they have already completed"
        " another programme bar exceptional cases",
        {"offence_types": "internet_sexual", "completed_programmes": "horizon"},
        JUDGE,
    ),
    (
        "ihorizon",
        "if they have already completed another programme",
        {"offence_types": "internet_sexual", "completed_programmes": "maps-for-change"},
        LOCAL,
    ),
    # --- Horizon
    (
        "horizon",
        "Group members need to accept that they have problems in the areas that are addressed"
        " by Horizon and be motivated to work on those problems.",
        {"offence_types": "contact_sexual", "rosh": "high"},
        LOCAL,
    ),
    (
        "horizon",
        "Assessed as Medium or above Risk of Serious Harm.",
        {"offence_types": "contact_sexual", "rosh": "low"},
        NOT,
    ),
    (
        "horizon",
        "Must have committed a sexual or sexually motivated offence/offences against adults or"
        " children.",
        {"offence_types": "acquisitive"},
        NOT,
    ),
    (
        "horizon",
        "iHorizon is a programme for men whose primary clinical need is to address internet"
        " only sexual offending",
        {"offence_types": "internet_sexual"},
        JUDGE,
    ),
    (
        "horizon",
        "Horizon is not suitable for men who have intellectual disability.",
        {"offence_types": "contact_sexual", "needs_intellectual_disability": "yes"},
        NOT,
    ),
    (
        "horizon",
        "Horizon is not suitable for men who have intellectual disability.",
        {
            "offence_types": "contact_sexual",
            "needs_intellectual_disability": "unknown",
            "needs_learning_disability": "yes",
        },
        INFO,
    ),
    (
        "horizon",
        "Horizon is not suitable for men who have intellectual disability.",
        {
            "offence_types": "contact_sexual",
            "needs_intellectual_disability": "unknown",
            "needs_learning_disability": "no",
        },
        LOCAL,
    ),
    (
        "horizon",
        "People should not normally be considered for Horizon if they have already completed"
        " another programme bar exceptional cases",
        {"offence_types": "contact_sexual", "completed_programmes": "thinking-skills-programme"},
        JUDGE,
    ),
    # --- New Me Strengths
    (
        "new-me-strengths",
        "NMS has its own suitability criteria. This includes the individual's risk, and the"
        " extent to which they have needs",
        {"needs_learning_disability": "yes"},
        LOCAL,
    ),
    (
        "new-me-strengths",
        "Individuals who meet these criteria should be directed towards adapted interventions.",
        {"needs_intellectual_disability": "yes", "needs_learning_disability": "unknown"},
        LOCAL,
    ),
    (
        "new-me-strengths",
        "responsive to the communication styles and abilities of people with learning"
        " disabilities and learning challenges (LDC)",
        {"needs_learning_disability": "no", "needs_intellectual_disability": "unknown"},
        NOT,
    ),
    (
        "new-me-strengths",
        "responsive to the communication styles and abilities of people with learning"
        " disabilities and learning challenges (LDC)",
        {"needs_learning_disability": "unknown", "needs_intellectual_disability": "no"},
        INFO,
    ),
    (
        "new-me-strengths",
        "suitable for adult men who have been convicted for any offence",
        {"needs_learning_disability": "yes", "gender": "female"},
        NOT,
    ),
    # --- Building Better Relationships
    (
        "building-better-relationships",
        "convicted of an Intimate Partner Violence (IPV) related offence against a female partner",
        {"offence_types": "ipv", "sara": "medium"},
        LOCAL,
    ),
    (
        "building-better-relationships",
        "IPV related offence (this can be index or historical).",
        {"offence_types": "violence", "sara": "high"},
        NOT,
    ),
    (
        "building-better-relationships",
        "Relationship problems.",
        {"offence_types": "ipv", "sara": "high", "need_areas": "thinking_behaviour"},
        NOT,
    ),
    (
        "building-better-relationships",
        "Relationship problems.",
        {"offence_types": "ipv", "sara": "high", "need_areas": "unknown"},
        INFO,
    ),
    (
        "building-better-relationships",
        "Gender: Male",
        {"offence_types": "ipv", "sara": "high", "gender": "female"},
        NOT,
    ),
    (
        "building-better-relationships",
        "Age: 18+",
        {"offence_types": "ipv", "sara": "high", "date_of_birth": "2007-01-01"},
        NOT,
    ),
    (
        "building-better-relationships",
        "who present with a moderate or high risk of committing future IPV offences",
        {"offence_types": "ipv", "sara": "low"},
        NOT,
    ),
    # --- Healthy Identity Intervention
    (
        "healthy-identity-intervention",
        "HII must be recommended by an Extremism Risk Guidance (ERG) 22+ report in order to be"
        " commenced with an individual.",
        {"offence_types": "extremism", "erg22_recommended": "yes"},
        SUITABLE,
    ),
    (
        "healthy-identity-intervention",
        "HII must be recommended by an Extremism Risk Guidance (ERG) 22+ report",
        {"offence_types": "extremism"},
        NOT,
    ),
    (
        "healthy-identity-intervention",
        "convicted under terrorism legislation in England and Wales, or under other legislation"
        " where extremism is identified as a motivation by the Court",
        {"erg22_recommended": "yes"},
        NOT,
    ),
    # --- Resolve
    (
        "resolve",
        "Assessed as being of medium to high risk of reoffending.",
        {"reoffending": "high"},
        SUITABLE,
    ),
    (
        "resolve",
        "Assessed as being of medium to high risk of reoffending.",
        {"reoffending": "low"},
        NOT,
    ),
    (
        "resolve",
        "Assessed as being of medium to high risk of reoffending.",
        {"reoffending": "very_high"},
        JUDGE,
    ),
    (
        "resolve",
        "Those individuals who do not have a current conviction for violence but who are"
        " demonstrating use of aggression within the community in the last year are suitable",
        {"offence_types": "acquisitive"},
        JUDGE,
    ),
    (
        "resolve",
        "Each programme has suitability criteria",
        {"accredited_programme_suitable": "no"},
        NOT,
    ),
    # --- Living as New Me
    (
        "living-as-new-me",
        "LNM is suitable as a maintenance programme for anyone who has successfully graduated"
        " from NMS or BNM+.",
        {"completed_programmes": "new-me-strengths"},
        SUITABLE,
    ),
    (
        "living-as-new-me",
        "for anyone who has successfully graduated from NMS or BNM+",
        {"completed_programmes": "none"},
        NOT,
    ),
    (
        "living-as-new-me",
        "Suitable for individuals with an identified risk of reoffending of Medium and above.",
        {"completed_programmes": "new-me-strengths", "reoffending": "low"},
        NOT,
    ),
    (
        "living-as-new-me",
        "Have a conviction for a sexual, intimate partner violence (IPV) or general violent"
        " offence (GV).",
        {"completed_programmes": "new-me-strengths", "offence_types": "acquisitive"},
        NOT,
    ),
    # --- Structured interventions
    (
        "structured-attitudes-thinking-behaviour",
        "if they present a low risk of recidivism and/or are unsuitable for an Accredited"
        " Programme",
        {"reoffending": "low"},
        SUITABLE,
    ),
    (
        "structured-attitudes-thinking-behaviour",
        "are unsuitable for an Accredited Programme",
        {"accredited_programme_suitable": "no"},
        SUITABLE,
    ),
    (
        "structured-attitudes-thinking-behaviour",
        "if they present a low risk of recidivism and/or are unsuitable for an Accredited"
        " Programme",
        {},
        NOT,
    ),
    (
        "structured-attitudes-thinking-behaviour",
        "and/or are unsuitable for an Accredited Programme",
        {"accredited_programme_suitable": "unknown"},
        INFO,
    ),
    (
        "structured-attitudes-thinking-behaviour",
        RAR_OR_LICENCE,
        UPW_ONLY | {"reoffending": "low"},
        NOT,
    ),
    (
        "structured-attitudes-thinking-behaviour",
        RAR_OR_LICENCE,
        LICENCE | {"reoffending": "low"},
        SUITABLE,
    ),
    (
        "structured-attitudes-thinking-behaviour",
        RAR_OR_LICENCE,
        LICENCE | {"sentence": "post_sentence_supervision", "reoffending": "low"},
        SUITABLE,
    ),
    (
        "structured-attitudes-thinking-behaviour",
        RAR_OR_LICENCE,
        {
            "sentence": "unknown",
            "rar_days": "0",
            "unpaid_work_hours": "unknown",
            "reoffending": "low",
        },
        INFO,
    ),
    (
        "structured-attitudes-thinking-behaviour",
        "Structured Interventions address needs in the areas of: ... Attitudes, Thinking and"
        " Behaviour (ATB)",
        {"reoffending": "low", "need_areas": "accommodation"},
        NOT,
    ),
    (
        "structured-domestic-abuse",
        "Domestic Abuse Structured Interventions aim to reduce Intimate Partner Violence (IPV)"
        " recidivism",
        {"offence_types": "ipv", "reoffending": "low"},
        SUITABLE,
    ),
    (
        "structured-domestic-abuse",
        RAR_OR_LICENCE,
        UPW_ONLY | {"offence_types": "ipv", "reoffending": "low"},
        NOT,
    ),
    (
        "structured-domestic-abuse",
        "Domestic Abuse Structured Interventions aim to reduce Intimate Partner Violence (IPV)"
        " recidivism",
        {"offence_types": "acquisitive", "reoffending": "low"},
        NOT,
    ),
    (
        "structured-emotional-management",
        "help participants explore and understand their use of violence",
        LICENCE | {"reoffending": "low"},
        SUITABLE,
    ),
    ("structured-emotional-management", RAR_OR_LICENCE, UPW_ONLY | {"reoffending": "low"}, NOT),
    (
        "structured-emotional-management",
        "if they present a low risk of recidivism and/or are unsuitable for an Accredited"
        " Programme",
        {"reoffending": "high"},
        NOT,
    ),
    # --- Women's services
    (
        "rehabilitative-womens-services",
        NEED_ELSEWHERE,
        {"gender": "female", "need_areas": "finance_benefits_debt"},
        LOCAL,
    ),
    (
        "rehabilitative-womens-services",
        "Greater Manchester Integrated Rehabilitative Services will deliver a range of"
        " interventions to women aged 18+.",
        {},
        NOT,
    ),
    (
        "rehabilitative-womens-services",
        RAR_OR_LICENCE,
        UPW_ONLY | {"gender": "female", "need_areas": "accommodation"},
        NOT,
    ),
    (
        "rehabilitative-womens-services",
        NEED_ELSEWHERE,
        {"gender": "female", "need_areas": "none"},
        NOT,
    ),
    (
        "rehabilitative-womens-finance-benefits-debt",
        "Pathways are established to help women maintain and sustain an income, safely manage"
        " money and reduce debt.",
        {"gender": "female", "need_areas": "finance_benefits_debt"},
        LOCAL,
    ),
    (
        "rehabilitative-womens-finance-benefits-debt",
        NEED_ELSEWHERE,
        {"gender": "female", "need_areas": "accommodation"},
        NOT,
    ),
    (
        "rehabilitative-womens-finance-benefits-debt",
        RAR_OR_LICENCE,
        {
            "gender": "female",
            "need_areas": "finance_benefits_debt",
            "rar_days": "unknown",
            "sentence": "unknown",
            "unpaid_work_hours": "unknown",
        },
        INFO,
    ),
    # --- Choices and Changes
    (
        "choices-and-changes",
        "developed for young adult men (aged 18-25) in order to support the development of"
        " psychosocial maturity",
        {"date_of_birth": "2006-06-01", "maturity_need": "yes"},
        SUITABLE,
    ),
    (
        "choices-and-changes",
        "young adult men (aged 18-25)",
        {"date_of_birth": "1998-06-01", "maturity_need": "yes"},
        NOT,
    ),
    (
        "choices-and-changes",
        "young adult men (aged 18-25)",
        {"date_of_birth": "2006-06-02", "maturity_need": "yes"},
        NOT,
    ),
    (
        "choices-and-changes",
        "who have previously completed an Accredited Programme, but who still need to develop"
        " maturity",
        {"date_of_birth": "2002-01-01", "maturity_need": "no"},
        NOT,
    ),
    (
        "choices-and-changes",
        "who are unable to access Accredited Programmes but have a need to develop maturity",
        {"date_of_birth": "2002-01-01", "maturity_need": "unknown"},
        INFO,
    ),
    (
        "choices-and-changes",
        "developed for young adult men",
        {"date_of_birth": "2002-01-01", "maturity_need": "yes", "gender": "female"},
        NOT,
    ),
    # --- Developing Dialogues
    (
        "developing-dialogues",
        "issues, events or behaviours that have led to credible concerns about an individual's"
        " interest or involvement in extremist activity or offending",
        {"extremism_concern": "yes"},
        SUITABLE,
    ),
    (
        "developing-dialogues",
        "credible concerns about an individual's interest or involvement in extremist activity",
        {"extremism_concern": "no"},
        NOT,
    ),
    # --- Maps for Change
    (
        "maps-for-change",
        "men convicted of sexual/sexually-motivated offences who are not eligible for an"
        " Accredited Programme",
        {"offence_types": "contact_sexual", "accredited_programme_suitable": "no"},
        SUITABLE,
    ),
    (
        "maps-for-change",
        "who are not eligible for an Accredited Programme",
        {"offence_types": "contact_sexual", "accredited_programme_suitable": "yes"},
        NOT,
    ),
    (
        "maps-for-change",
        "who are not eligible for an Accredited Programme",
        # Horizon: low risk of serious harm; iHorizon: contact offence; NMS: no LDC
        {
            "offence_types": "contact_sexual",
            "accredited_programme_suitable": "unknown",
            "rosh": "low",
        },
        SUITABLE,
    ),
    (
        "maps-for-change",
        "who are not eligible for an Accredited Programme",
        # Horizon fits every recorded fact; his motivation is judged locally
        {
            "offence_types": "contact_sexual",
            "accredited_programme_suitable": "unknown",
            "rosh": "high",
        },
        LOCAL,
    ),
    (
        "maps-for-change",
        "who are not eligible for an Accredited Programme",
        {
            "offence_types": "contact_sexual",
            "accredited_programme_suitable": "unknown",
            "rosh": "unknown",
        },
        INFO,
    ),
    (
        "maps-for-change",
        "men convicted of sexual/sexually-motivated offences",
        {"offence_types": "violence", "accredited_programme_suitable": "no"},
        NOT,
    ),
    # --- New Me MOT
    (
        "new-me-mot",
        "support graduates of the following Accredited Programmes",
        {"completed_programmes": "horizon"},
        SUITABLE,
    ),
    (
        "new-me-mot",
        "support graduates of the following Accredited Programmes",
        {"completed_programmes": "thinking-skills-programme"},
        NOT,
    ),
    # --- Skills for Relationships
    (
        "skills-for-relationships",
        "not able to access the Building Better Relationships Accredited Programme which would"
        " be the preferred programme for this group",
        {"offence_types": "ipv", "sara": "medium"},
        JUDGE,
    ),
    (
        "skills-for-relationships",
        "SRT should be prioritised for supervised individuals who are medium and high risk on"
        " the Spousal Assault Risk Assessment (SARA)",
        {"offence_types": "ipv", "sara": "medium", "accredited_programme_suitable": "no"},
        SUITABLE,
    ),
    (
        "skills-for-relationships",
        "SRT should be prioritised for supervised individuals who are medium and high risk on"
        " the Spousal Assault Risk Assessment (SARA)",
        {"offence_types": "ipv", "sara": "low", "accredited_programme_suitable": "no"},
        JUDGE,
    ),
    (
        "skills-for-relationships",
        "who – for whatever reason – are not able to access the Building Better Relationships"
        " Accredited Programme",
        # BBR is ruled out: he does not agree to take part in it
        {
            "offence_types": "ipv",
            "sara": "medium",
            "accredited_programme_suitable": "unknown",
            "consent": "no",
        },
        SUITABLE,
    ),
    (
        "skills-for-relationships",
        "who – for whatever reason – are not able to access the Building Better Relationships"
        " Accredited Programme",
        # BBR fits every recorded fact; whether the victim was a female partner is local
        {"offence_types": "ipv", "sara": "medium", "accredited_programme_suitable": "unknown"},
        LOCAL,
    ),
    (
        "skills-for-relationships",
        "delivered during the routine supervision of people with Intimate Partner Violence"
        " offences",
        {"offence_types": "violence", "accredited_programme_suitable": "no"},
        NOT,
    ),
    # --- Stepping Stones
    (
        "stepping-stones",
        "intended to be used with men who are assessed as low to medium risk of serious harm",
        {"rosh": "low"},
        SUITABLE,
    ),
    (
        "stepping-stones",
        "it may also be used for those assessed as high risk of serious harm in exceptional"
        " circumstances",
        {"rosh": "high"},
        JUDGE,
    ),
    (
        "stepping-stones",
        "intended to be used with men who are assessed as low to medium risk of serious harm",
        {"rosh": "very_high"},
        JUDGE,
    ),
    (
        "stepping-stones",
        "intended to be used with men",
        {"rosh": "low", "gender": "female"},
        NOT,
    ),
    # --- Community Sentence Treatment Requirements
    (
        "treatment-alcohol",
        "a provider is willing to oversee the requirement",
        {"alcohol_misuse": "yes"},
        LOCAL,
    ),
    (
        "treatment-alcohol",
        "Expressed willingness to comply with the requirement (consent)",
        {"alcohol_misuse": "yes", "consent": "no"},
        NOT,
    ),
    (
        "treatment-alcohol",
        "Requirement of treatment related to mental health and/or substance misuse",
        {"alcohol_misuse": "no"},
        NOT,
    ),
    (
        "treatment-drug-rehabilitation",
        "Convicted of an offence which falls within the CO/SSO sentencing threshold",
        LICENCE | {"drug_misuse": "yes"},
        NOT,
    ),
    (
        "treatment-drug-rehabilitation",
        "Convicted of an offence which falls within the CO/SSO sentencing threshold",
        {
            "drug_misuse": "yes",
            "sentence": "unknown",
            "rar_days": "unknown",
            "unpaid_work_hours": "unknown",
        },
        INFO,
    ),
    (
        "treatment-mental-health",
        "Requirement of treatment related to mental health and/or substance misuse",
        {"mental_health_need": "no"},
        NOT,
    ),
    (
        "treatment-mental-health",
        "a provider is willing to oversee the requirement",
        {"mental_health_need": "yes"},
        LOCAL,
    ),
    # --- Alcohol Abstinence and Monitoring Requirement
    (
        "alcohol-abstinence-monitoring",
        "No offence should be excluded from AAMR so long as the offence is alcohol related.",
        {"alcohol_related_offence": "yes"},
        SUITABLE,
    ),
    (
        "alcohol-abstinence-monitoring",
        "so long as the offence is alcohol related",
        {"alcohol_related_offence": "no"},
        NOT,
    ),
    (
        "alcohol-abstinence-monitoring",
        "cannot be used on individuals who are alcohol dependent",
        {"alcohol_related_offence": "yes", "alcohol_dependent": "yes"},
        NOT,
    ),
    (
        "alcohol-abstinence-monitoring",
        "cannot be used on individuals who are alcohol dependent",
        {"alcohol_related_offence": "yes", "alcohol_dependent": "unknown"},
        INFO,
    ),
    (
        "alcohol-abstinence-monitoring",
        "or have an Alcohol Treatment Requirement recommended or currently in place",
        {"alcohol_related_offence": "yes", "alcohol_treatment_requirement": "yes"},
        NOT,
    ),
    (
        "alcohol-abstinence-monitoring",
        "An AAMR can only be imposed on those who are over 18",
        {"alcohol_related_offence": "yes", "date_of_birth": "2008-01-01"},
        NOT,
    ),
    (
        "alcohol-abstinence-monitoring",
        "services available to those sentenced to Community Orders and Suspended Sentence Orders",
        LICENCE | {"alcohol_related_offence": "yes"},
        NOT,
    ),
    # --- Electronic Monitoring
    (
        "electronic-monitoring",
        "EM is designed to be used justly, proportionately and for a purpose",
        {},
        LOCAL,
    ),
    (
        "electronic-monitoring",
        "There are three forms of Electronic Monitoring (EM) available in all courts in England"
        " and Wales",
        LICENCE,
        NOT,
    ),
    # --- Unpaid Work
    (
        "unpaid-work",
        "Sentences of between 40-300 hours can be imposed",
        {"unpaid_work_hours": "40"},
        SUITABLE,
    ),
    (
        "unpaid-work",
        "Sentences of between 40-300 hours can be imposed",
        {"unpaid_work_hours": "300"},
        SUITABLE,
    ),
    (
        "unpaid-work",
        "Sentences of between 40-300 hours can be imposed",
        {"unpaid_work_hours": "unknown"},
        INFO,
    ),
    ("unpaid-work", "It does not require the defendant's consent.", {"consent": "no"}, SUITABLE),
    (
        "unpaid-work",
        "all individuals regardless of ability, their risk of harm or their risk of reoffending",
        {"gender": "female", "rosh": "very_high"},
        SUITABLE,
    ),
    (
        "unpaid-work",
        "The Unpaid Work requirement is available as a sentence of the Court for all offences"
        " suitable for a Community Order",
        LICENCE,
        NOT,
    ),
]

#: the seven men's Greater Manchester services: id -> the need that brings a man to it.
MENS_SERVICES = {
    "rehabilitative-accommodation": ("accommodation", "Obtain or maintain suitable accommodation"),
    "rehabilitative-dependency-recovery": (
        "dependency_recovery",
        "Achieve abstinence or controlled/non-dependent or non-problematic substance misuse.",
    ),
    "rehabilitative-education-training-employment": (
        "education_training_employment",
        "Obtain suitable training, education and employment",
    ),
    "rehabilitative-emotional-wellbeing": (
        "emotional_wellbeing",
        "Improved levels of self-efficacy, resilience and confidence.",
    ),
    "rehabilitative-family-support": (
        "family",
        "Develop or maintain positive family relationships and avoids harmful relationships.",
    ),
    "rehabilitative-peer-support": (
        "peer_support",
        "Sustain engagement in pro-social leisure interests and purposeful activities.",
    ),
    "rehabilitative-social-inclusion": (
        "social_inclusion",
        "Personal wellbeing (social inclusion, lifestyle and associates, family and significant"
        " others, emotional wellbeing)",
    ),
}
MEN_18 = (
    "Greater Manchester Integrated Rehabilitative Services will deliver a range of interventions"
    " to Men aged 18+."
)
for service, (need, words) in MENS_SERVICES.items():
    CASES += [
        (service, NEED_ELSEWHERE + " ... " + words, {"need_areas": need}, LOCAL),
        (service, RAR_OR_LICENCE, UPW_ONLY | {"need_areas": need}, NOT),
        (service, RAR_OR_LICENCE, LICENCE | {"need_areas": need}, LOCAL),
        (service, NEED_ELSEWHERE, {"need_areas": "none"}, NOT),
        (service, MEN_18, {"need_areas": need, "gender": "female"}, NOT),
        # the profile: no treatment need, no RAR days, nothing said of the sentence
        (
            service,
            RAR_OR_LICENCE,
            {
                "drug_misuse": "no",
                "alcohol_misuse": "no",
                "rar_days": "0",
                "sentence": "unknown",
                "unpaid_work_hours": "unknown",
                "need_areas": "unknown",
            },
            INFO,
        ),
    ]


@pytest.mark.parametrize(("intervention", "quote", "changes", "expected"), CASES)
def test_brochure_words(
    intervention: str, quote: str, changes: dict[str, str], expected: str
) -> None:
    result = check(intervention, **changes)
    assert result.verdict == expected, (quote, [(c.label, c.status) for c in result.criteria])


def test_every_entry_has_a_row_that_must_not_be_likely_suitable() -> None:
    refused = {row[0] for row in CASES if row[3] != SUITABLE}
    assert refused == set(directory())


def test_the_rows_quote_the_brochure_word_for_word() -> None:
    text = brochure_text()
    if text is None:
        pytest.skip("the brochure is not beside the project here")
    for intervention, quote, _changes, _expected in CASES:
        for fragment in quote_fragments(quote):
            assert fragment in text, (intervention, fragment)


def test_the_directory_quotes_the_brochure_word_for_word() -> None:
    text = brochure_text()
    if text is None:
        pytest.skip("the brochure is not beside the project here")
    for item in directory().values():
        quotes = [e.quote for e in item.criteria.exceptions]
        quotes += [c.quote for c in item.criteria.local]
        for quote in quotes:
            for fragment in quote_fragments(quote):
                assert fragment in text, (item.id, fragment)


# --- never "likely suitable" on gender and age alone -----------------------------------------

GENDERS = st.sampled_from(["male", "female", "non_binary", "not_stated", "unknown"])
BORN = st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gender=GENDERS, born=BORN)
def test_gender_and_age_alone_are_never_likely_suitable(gender: str, born: date) -> None:
    client = profile(gender=gender, date_of_birth=born.isoformat())
    for entry, result in assessments(client).items():
        assert result.verdict != SUITABLE, entry
        assert result.verdict in (NOT, INFO), (entry, result.verdict)
        if result.verdict == INFO:
            assert result.missing, entry


def test_a_man_of_30_with_nothing_else_recorded() -> None:
    """The issue's first profile: no entry likely suitable, and each names what it needs."""
    client = profile(gender="male", date_of_birth="1994-01-15")
    for entry, result in assessments(client).items():
        assert result.verdict != SUITABLE, entry
        assert result.missing, entry
        assert set(result.missing) <= set(PROFILE_FIELDS)


#: facts a random profile draws from: each field with a few values `client set` takes.
POOL = {
    "gender": ["male", "female", "non_binary"],
    "date_of_birth": ["1994-01-15", "2005-01-01", "1960-05-05"],
    "sentence": [
        "community_order",
        "suspended_sentence_order",
        "licence",
        "post_sentence_supervision",
    ],
    "rar_days": ["0", "10"],
    "unpaid_work_hours": ["60"],
    "offence_types": ["ipv", "violence", "contact_sexual", "internet_sexual", "extremism", "none"],
    "rosh": ["low", "medium", "high", "very_high"],
    "reoffending": ["low", "medium", "high", "very_high"],
    "ogrs3": ["20", "70"],
    "sara": ["low", "medium", "high"],
    "need_areas": ["accommodation", "relationships,family", "none", "finance_benefits_debt"],
    "needs_learning_disability": ["yes", "no"],
    "needs_intellectual_disability": ["yes", "no"],
    "completed_programmes": ["none", "horizon", "new-me-strengths"],
    "accredited_programme_suitable": ["yes", "no"],
    "tsp_need": ["yes", "no"],
    "maturity_need": ["yes", "no"],
    "erg22_recommended": ["yes", "no"],
    "extremism_concern": ["yes", "no"],
    "alcohol_related_offence": ["yes", "no"],
    "alcohol_dependent": ["yes", "no"],
    "alcohol_treatment_requirement": ["yes", "no"],
    "alcohol_misuse": ["yes", "no"],
    "drug_misuse": ["yes", "no"],
    "mental_health_need": ["yes", "no"],
    "consent": ["yes", "no"],
}
PROFILES = st.fixed_dictionaries(
    {}, optional={name: st.sampled_from(values) for name, values in POOL.items()}
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=PROFILES)
def test_likely_suitable_only_on_recorded_facts(facts: dict[str, str]) -> None:
    """Any profile: "likely suitable" only when every criterion was met by a recorded fact,
    at least one beyond gender, age and consent; an unknown fact is always counted."""
    client = profile(**facts)
    for entry, result in assessments(client).items():
        checking = [c for c in result.criteria if c.checks]
        if result.verdict == SUITABLE:
            assert all(c.status == "met" for c in checking), entry
            assert {c.name for c in checking} - {"gender", "age", "consent"}, entry
        unknown = [c for c in checking if c.status == "unknown"]
        assert bool(unknown) == bool(result.missing), entry
        if result.missing:
            count = len(result.missing)
            assert f"· {count} fact{'' if count == 1 else 's'} unknown" in result.headline()


def test_base_profile_leaves_nothing_unknown() -> None:
    client = client_with()
    assert all(not a.missing for a in assessments(client).values())
    assert set(BASE) <= set(PROFILE_FIELDS)


# --- relations between entries, each checked both ways -----------------------------------------


def _criterion(result: Assessment, name: str) -> CriterionResult:
    return next(c for c in result.criteria if c.name == name)


def test_maps_for_change_and_programme_suitability() -> None:
    sexual = {"offence_types": "contact_sexual", "rosh": "high"}
    suitable = assessments(client_with(**sexual, accredited_programme_suitable="yes"))
    assert suitable["maps-for-change"].verdict == NOT
    assert _criterion(suitable["maps-for-change"], "not_eligible_for").status == "unmet"
    assert _criterion(suitable["horizon"], "accredited_programme_suitable").status == "met"
    unsuitable = assessments(client_with(**sexual, accredited_programme_suitable="no"))
    assert unsuitable["maps-for-change"].verdict == SUITABLE
    assert unsuitable["horizon"].verdict == NOT
    assert _criterion(unsuitable["horizon"], "accredited_programme_suitable").status == "unmet"
    # not recorded: the programmes' own verdicts decide, and are named in the reason
    open_ = assessments(client_with(**sexual, accredited_programme_suitable="unknown"))
    relation = _criterion(open_["maps-for-change"], "not_eligible_for")
    assert relation.status == "local" and "Horizon: ○ Check locally" in relation.reason
    assert all(c.name != "accredited_programme_suitable" for c in open_["horizon"].criteria)


def test_new_me_strengths_and_an_intellectual_or_learning_disability() -> None:
    sexual = {"offence_types": "contact_sexual", "rosh": "high"}
    both_routes = [
        {"needs_intellectual_disability": "yes", "needs_learning_disability": "unknown"},
        {"needs_intellectual_disability": "yes", "needs_learning_disability": "yes"},
        {"needs_intellectual_disability": "unknown", "needs_learning_disability": "yes"},
    ]
    for facts in both_routes:
        result = assessments(client_with(**sexual, **facts))
        assert _criterion(result["new-me-strengths"], "learning_disability").status == "met"
        assert result["new-me-strengths"].verdict == LOCAL
    sent_on = assessments(client_with(**sexual, needs_intellectual_disability="yes"))
    for programme in ("horizon", "ihorizon"):
        assert _criterion(sent_on[programme], "intellectual_disability").status == "unmet"
    # the other way: no learning disability or challenges means no intellectual disability
    neither = assessments(
        client_with(
            **sexual, needs_learning_disability="no", needs_intellectual_disability="unknown"
        )
    )
    assert _criterion(neither["horizon"], "intellectual_disability").status == "met"
    assert neither["new-me-strengths"].verdict == NOT
    challenges = assessments(
        client_with(**sexual, needs_learning_disability="yes", needs_intellectual_disability="no")
    )
    assert _criterion(challenges["horizon"], "intellectual_disability").status == "met"
    assert _criterion(challenges["new-me-strengths"], "learning_disability").status == "met"


def test_horizon_and_ihorizon_each_after_the_other() -> None:
    after_horizon = check(
        "ihorizon", offence_types="internet_sexual", completed_programmes="horizon"
    )
    after_ihorizon = check(
        "horizon", offence_types="contact_sexual", completed_programmes="ihorizon"
    )
    for result, name in ((after_horizon, "iHorizon"), (after_ihorizon, "Horizon")):
        assert result.verdict == JUDGE
        relation = _criterion(result, "not_after_programme")
        assert relation.status == "judgement"
        assert f"further needs that can be met by {name}" in relation.exception
    # internet-only offending: iHorizon is the programme, Horizon is a judgement
    internet = assessments(client_with(offence_types="internet_sexual", rosh="high"))
    assert internet["ihorizon"].verdict == LOCAL
    assert internet["horizon"].verdict == JUDGE
    assert "primary clinical need" in _criterion(internet["horizon"], "offence_types").reason


def test_programmes_that_follow_others() -> None:
    graduate = assessments(client_with(completed_programmes="new-me-strengths"))
    assert _criterion(graduate["living-as-new-me"], "completed_any").status == "met"
    assert _criterion(graduate["new-me-mot"], "completed_any").status == "met"
    assert graduate["horizon"].verdict != SUITABLE
    novice = assessments(client_with(completed_programmes="none"))
    assert novice["living-as-new-me"].verdict == NOT and novice["new-me-mot"].verdict == NOT
    # Skills for Relationships after Building Better Relationships, the preferred programme
    srt = {"offence_types": "ipv", "sara": "high", "accredited_programme_suitable": "unknown"}
    bbr_out = assessments(client_with(**srt, consent="no"))
    assert bbr_out["building-better-relationships"].verdict == NOT
    assert _criterion(bbr_out["skills-for-relationships"], "not_eligible_for").status == "met"
    bbr_open = assessments(client_with(**srt))
    assert bbr_open["building-better-relationships"].verdict == LOCAL
    assert _criterion(bbr_open["skills-for-relationships"], "not_eligible_for").status == "local"
    bbr_said = assessments(client_with(**srt | {"accredited_programme_suitable": "yes"}))
    relation = _criterion(bbr_said["skills-for-relationships"], "not_eligible_for")
    assert relation.status == "judgement" and "preferred programme" in relation.exception


# --- how verdicts read -------------------------------------------------------------------------


def test_headlines_never_hide_unknowns() -> None:
    result = check("resolve", reoffending="very_high", offence_types="unknown", consent="unknown")
    assert result.headline() == "◆ Needs judgement · 2 facts unknown"
    reoffending = _criterion(result, "reoffending")
    assert "the brochure does not say" in reoffending.reason
    assert "“Assessed as being of medium to high risk of reoffending.”" in reoffending.reason
    one = check("stepping-stones", rosh="high", gender="unknown")
    assert one.headline() == "◆ Needs judgement · 1 fact unknown"
    assert check("thinking-skills-programme").headline() == "✓ Likely suitable"


def test_what_is_left_to_judge_locally_is_named() -> None:
    result = check("horizon", offence_types="contact_sexual", rosh="high")
    assert result.verdict == LOCAL
    assert result.headline(why=True) == (
        "○ Check locally: every recorded fact fits; the rest is judged locally"
    )
    [local] = result.local
    assert local.status == "local" and "motivated to work on those problems" in local.quote
    # a local condition is never outweighed into "likely suitable" by facts, nor hides a no
    assert check("horizon", offence_types="contact_sexual", rosh="low").verdict == NOT
