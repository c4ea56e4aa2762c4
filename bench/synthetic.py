"""A synthetic, realistic OGP dataset of any size (default 10,000 commitments, 40,000 milestones), in both
languages, deterministic for a given seed. Used by the benchmarks; never bundled."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from bot.common.vocab import vocabulary
from bot.dataset.schema import (
    ActionPlanRecord,
    CommitmentRecord,
    Dataset,
    IrmRecord,
    MemberRecord,
    MilestoneRecord,
)

MEMBERS = [
    ("AL", "albania", "Albania", "Albanie"), ("AM", "armenia", "Armenia", "Arménie"),
    ("AR", "argentina", "Argentina", "Argentine"), ("AU", "australia", "Australia", "Australie"),
    ("BF", "burkina-faso", "Burkina Faso", "Burkina Faso"), ("BR", "brazil", "Brazil", "Brésil"),
    ("CA", "canada", "Canada", "Canada"), ("CI", "cote-divoire", "Côte d'Ivoire", "Côte d'Ivoire"),
    ("CL", "chile", "Chile", "Chili"), ("CO", "colombia", "Colombia", "Colombie"),
    ("CR", "costa-rica", "Costa Rica", "Costa Rica"), ("DE", "germany", "Germany", "Allemagne"),
    ("DK", "denmark", "Denmark", "Danemark"), ("EE", "estonia", "Estonia", "Estonie"),
    ("ES", "spain", "Spain", "Espagne"), ("FI", "finland", "Finland", "Finlande"),
    ("FR", "france", "France", "France"), ("GE", "georgia", "Georgia", "Géorgie"),
    ("GH", "ghana", "Ghana", "Ghana"), ("GR", "greece", "Greece", "Grèce"),
    ("GT", "guatemala", "Guatemala", "Guatemala"), ("HN", "honduras", "Honduras", "Honduras"),
    ("HR", "croatia", "Croatia", "Croatie"), ("ID", "indonesia", "Indonesia", "Indonésie"),
    ("IE", "ireland", "Ireland", "Irlande"), ("IT", "italy", "Italy", "Italie"),
    ("JO", "jordan", "Jordan", "Jordanie"), ("KE", "kenya", "Kenya", "Kenya"),
    ("KR", "south-korea", "South Korea", "Corée du Sud"), ("LR", "liberia", "Liberia", "Libéria"),
    ("LT", "lithuania", "Lithuania", "Lituanie"), ("LV", "latvia", "Latvia", "Lettonie"),
    ("MA", "morocco", "Morocco", "Maroc"), ("MX", "mexico", "Mexico", "Mexique"),
    ("NG", "nigeria", "Nigeria", "Nigéria"), ("NL", "netherlands", "Netherlands", "Pays-Bas"),
    ("NO", "norway", "Norway", "Norvège"), ("NZ", "new-zealand", "New Zealand", "Nouvelle-Zélande"),
    ("PE", "peru", "Peru", "Pérou"), ("PH", "philippines", "Philippines", "Philippines"),
    ("PT", "portugal", "Portugal", "Portugal"), ("PY", "paraguay", "Paraguay", "Paraguay"),
    ("RO", "romania", "Romania", "Roumanie"), ("SE", "sweden", "Sweden", "Suède"),
    ("SN", "senegal", "Senegal", "Sénégal"), ("SK", "slovakia", "Slovakia", "Slovaquie"),
    ("SL", "sierra-leone", "Sierra Leone", "Sierra Leone"), ("TN", "tunisia", "Tunisia", "Tunisie"),
    ("UA", "ukraine", "Ukraine", "Ukraine"), ("UK", "united-kingdom", "United Kingdom", "Royaume-Uni"),
    ("US", "united-states", "United States", "États-Unis"), ("UY", "uruguay", "Uruguay", "Uruguay"),
]
ACTIONS = [
    ("Increase transparency of", "Accroître la transparence"), ("Open data on", "Ouvrir les données sur"),
    ("Strengthen citizen participation in", "Renforcer la participation citoyenne à"),
    ("Publish information on", "Publier les informations sur"), ("Improve accountability of", "Améliorer la redevabilité"),
    ("Create a portal for", "Créer un portail pour"), ("Adopt a law on", "Adopter une loi sur"),
    ("Build capacity for", "Renforcer les capacités pour"), ("Co-create standards for", "Co-construire des normes pour"),
    ("Monitor", "Suivre"),
]
TOPICS = [
    ("public procurement", "des marchés publics"), ("beneficial ownership", "des bénéficiaires effectifs"),
    ("the national budget", "du budget national"), ("extractive industries", "des industries extractives"),
    ("whistleblower protection", "de la protection des lanceurs d'alerte"), ("lobbying", "du lobbying"),
    ("public algorithms", "des algorithmes publics"), ("climate finance", "de la finance climat"),
    ("local governments", "des collectivités locales"), ("health services", "des services de santé"),
    ("education spending", "des dépenses d'éducation"), ("land registries", "des registres fonciers"),
    ("asset declarations", "des déclarations de patrimoine"), ("open contracting", "des contrats ouverts"),
    ("access to justice", "de l'accès à la justice"), ("parliamentary work", "du travail parlementaire"),
    ("public consultations", "des consultations publiques"), ("police oversight", "du contrôle de la police"),
    ("water services", "des services d'eau"), ("digital identity", "de l'identité numérique"),
]
MINISTRIES = [
    ("Ministry of Finance", "Ministère des Finances"), ("Ministry of Justice", "Ministère de la Justice"),
    ("Ministry of Health", "Ministère de la Santé"), ("Ministry of Education", "Ministère de l'Éducation"),
    ("Ministry of the Interior", "Ministère de l'Intérieur"), ("Ministry of Culture", "Ministère de la Culture"),
    ("Anti-Corruption Commission", "Commission anticorruption"), ("National Statistics Office", "Office national de la statistique"),
    ("Office of the Prime Minister", "Services du Premier ministre"), ("Ministry of Environment", "Ministère de l'Environnement"),
]
COMPLETION = ["not_started", "limited", "substantial", "complete", "pending_irm_review", "no_irm_data"]


def generate(commitments: int = 10_000, milestones_per_commitment: int = 4, seed: int = 7) -> Dataset:
    rng = random.Random(seed)
    areas = vocabulary().keys("policy_area")
    members = [MemberRecord(id=slug, name={"en": en, "fr": fr}) for _, slug, en, fr in MEMBERS]
    plans: list[ActionPlanRecord] = []
    records: list[CommitmentRecord] = []
    per_member = commitments // len(MEMBERS) + 1
    counter = 0
    for prefix, slug, en, fr in MEMBERS:
        member_plans = []
        for k, start in enumerate(range(2011, 2025, 2)):
            plan = ActionPlanRecord(id=f"{slug}-{start}-{start + 2}", member=slug, start_year=start, end_year=start + 2,
                                    cycle=start, title={"en": f"{en} Action Plan {start}-{start + 2}",
                                                        "fr": f"Plan d'action {fr} {start}-{start + 2}"})
            member_plans.append(plan)
        plans += member_plans
        for n in range(1, per_member + 1):
            if counter >= commitments:
                break
            counter += 1
            plan = member_plans[min(len(member_plans) - 1, (n - 1) * len(member_plans) // per_member)]
            (a_en, a_fr), (t_en, t_fr) = rng.choice(ACTIONS), rng.choice(TOPICS)
            lead = rng.choice(MINISTRIES)
            support = rng.sample(MINISTRIES, 2)
            number = str(n % 30 + 1)
            ms = [MilestoneRecord(number=f"{number}.{j}", start=str(plan.start_year), end=str(plan.end_year),
                                  text={"en": f"{rng.choice(ACTIONS)[0]} {rng.choice(TOPICS)[0]} (step {j})",
                                        "fr": f"{rng.choice(ACTIONS)[1]} {rng.choice(TOPICS)[1]} (étape {j})"},
                                  status=rng.choice(COMPLETION[:4]) if rng.random() < 0.5 else None)
                  for j in range(1, milestones_per_commitment + 1)]
            records.append(CommitmentRecord(
                id=f"{prefix}{n:04d}", member=slug, action_plan=plan.id, number=None,
                title={"en": f"{a_en} {t_en}", "fr": f"{a_fr} {t_fr}"},
                description={"en": f"{a_en} {t_en} in {en}, with civil society.",
                             "fr": f"{a_fr} {t_fr} en {fr}, avec la société civile."},
                description_full={"en": f"The government of {en} commits to {a_en.lower()} {t_en}. "
                                        f"Civil society organisations will monitor progress and publish reports.",
                                  "fr": f"Le gouvernement ({fr}) s'engage à {a_fr.lower()} {t_fr}. "
                                        f"Les organisations de la société civile suivront les progrès."},
                lead_institutions=[{"en": lead[0], "fr": lead[1]}],
                support_institutions=[{"en": s[0], "fr": s[1]} for s in support],
                policy_areas=rng.sample(areas, 3), milestones=ms,
                irm=IrmRecord(verifiable=rng.choice(["yes", "no"]), relevance=["access_to_information"],
                              ambition=rng.choice(["low", "moderate", "high"]),
                              completion_end=rng.choice(COMPLETION), starred=rng.choice(["yes", "no"]),
                              early_results=rng.choice(["marginal", "major", "did_not_change"])),
                urls={"en": f"https://www.opengovpartnership.org/members/{slug}/commitments/{prefix}{n:04d}/"},
                retrieved_at=datetime(2026, 11, 28, tzinfo=UTC)))
    return Dataset(description=f"synthetic dataset of {len(records)} commitments (seed {seed})",
                   members=members, action_plans=plans, commitments=records)
