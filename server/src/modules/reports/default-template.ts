/**
 * The built-in report template, used when reports.generate names no templateId. Liquid that
 * renders markdown: cover, executive summary, the ATT&CK heatmap and outcomes chart (images
 * named chart:heatmap and chart:outcomes, drawn by report-charts.ts), one section per group
 * and activity, and an appendix of techniques with the knowledge-base articles linked to them. Text fields go through `md` or `cell` so a
 * title stays a title; markdown fields (descriptions, notes) are placed as markdown.
 */
export const DEFAULT_REPORT_TEMPLATE = `# {{ assessment.name | md }}

**Purple-team assessment report** for **{{ org.name | md }}**

| Field | Value |
| --- | --- |
| Organization | {{ org.name | cell }} |
| Assessment | {{ assessment.name | cell }} |
| Status | {{ assessment.status | cell }} |
| Start | {{ assessment.startDate | date: "%Y-%m-%d" | cell }} |
| End | {{ assessment.endDate | date: "%Y-%m-%d" | cell }} |
| Generated | {{ generatedAt | date: "%Y-%m-%d %H:%M UTC" | cell }} by {{ generatedBy.name | cell }} |

{{ assessment.description }}

## Executive summary

{{ statistics.activities.total }} activities were planned in this assessment; {{ statistics.outcomes.observed }} of them were executed and observed by the blue team.

| Headline figure | Value |
| --- | --- |
| Prevention rate | {{ statistics.outcomes.preventionRate | pct }} |
| Detection rate | {{ statistics.outcomes.detectionRate | pct }} |
| Coverage (expectations met) | {{ statistics.outcomes.coverage | pct }} |
| Mean time to detect | {{ statistics.timeToDetect.meanSeconds | duration }} |
| Activities evaluated | {{ statistics.activities.byStatus.evaluated }} of {{ statistics.activities.total }} |

### ATT&CK heatmap

![ATT&CK heatmap: techniques per tactic, coloured by outcome](chart:heatmap)

### Outcomes per tactic

![Outcomes per tactic](chart:outcomes)

{% for group in groups %}
## {{ group.name | md }}

{{ group.description }}
{% for activity in group.activities %}
### {{ activity.number }}. {{ activity.title | md }}

{% if activity.techniques.size > 0 %}**Techniques:** {% for t in activity.techniques %}{{ t.id }}{% if t.name %} {{ t.name | md }}{% endif %}{% unless forloop.last %}, {% endunless %}{% endfor %}{% if activity.tacticName %} — tactic {{ activity.tacticName | md }}{% endif %}

{% endif %}{% if activity.tags.size > 0 %}**Tags:** {{ activity.tags | join: ", " | md }}

{% endif %}{% if activity.assets.size > 0 %}**Targets:** {% for a in activity.assets %}{{ a.name | md }} ({{ a.kind }}){% unless forloop.last %}, {% endunless %}{% endfor %}

{% endif %}**Status:** {{ activity.status }}

{{ activity.description }}

{% if activity.red.command %}#### Red team command
{{ activity.red.command | codeblock: "shell" }}
{% endif %}{% if activity.red.executedAt %}Executed {{ activity.red.executedAt | date: "%Y-%m-%d %H:%M UTC" }}{% if activity.red.executedByUser %} by {{ activity.red.executedByUser | md }}{% elsif activity.red.executedBy %} by {{ activity.red.executedBy | md }}{% endif %}{% if activity.red.source %} from {{ activity.red.source | md }}{% endif %}{% if activity.red.target %} against {{ activity.red.target | md }}{% endif %}.

{% endif %}#### Expectations and outcomes

| Category | Expected | Observed | Result |
| --- | --- | --- | --- |
{% for row in activity.expectationsVsOutcomes %}| {{ row.category | cell }} | {{ row.expected | cell }} | {{ row.observed | cell }} | {{ row.result | cell }} |
{% endfor %}
**Outcome:** {{ activity.blue.outcome | default: "not recorded" | md }}{% if activity.blue.detectedAt %} — detected {{ activity.blue.detectedAt | date: "%Y-%m-%d %H:%M UTC" }}{% endif %}{% if activity.blue.detectionSource %} by {{ activity.blue.detectionSource | md }}{% endif %}

{% if activity.evaluation.evaluatedAt %}#### Evaluation

Evaluated {{ activity.evaluation.evaluatedAt | date: "%Y-%m-%d" }}{% if activity.evaluation.evaluatedBy %} by {{ activity.evaluation.evaluatedBy | md }}{% endif %}.
{% for o in activity.evaluation.overrides %}
- {{ o.category }}: {{ o.computed }} overridden to **{{ o.result }}** — {{ o.reason | md }}
{% endfor %}
{% endif %}{% if activity.blue.notes != "" %}#### Notes

{{ activity.blue.notes }}

{% endif %}{% if activity.evidence.size > 0 %}#### Evidence
{% for e in activity.evidence %}{% if e.isImage %}
![{{ e.fileName | md }}](evidence:{{ e.id }})
{% else %}
- {{ e.fileName | md }} ({{ e.contentType }}, {{ e.size }} bytes)
{% endif %}{% endfor %}
{% endif %}{% endfor %}{% endfor %}
## Appendix: techniques

| Technique | Name | Activities | Prevention | Detection |
| --- | --- | --- | --- | --- |
{% for t in techniques %}| {{ t.id | cell }} | {{ t.name | cell }} | {{ t.activities }} | {{ t.preventionRate | pct }} | {{ t.detectionRate | pct }} |
{% endfor %}
{% for t in techniques %}{% if t.articles.size > 0 %}
### {{ t.id }}{% if t.name %} {{ t.name | md }}{% endif %}: knowledge base
{% for article in t.articles %}
#### {{ article.title | md }} ({{ article.kind }})

{{ article.body }}
{% endfor %}{% endif %}{% endfor %}`;
