// alertrouter's default notification templates, under the names Alertmanager's default.tmpl
// and email.tmpl define, so that configurations referring to them keep working. Written for
// alertrouter: the subject, Slack and text templates render exactly what Alertmanager 0.25's
// render (checked against the real Alertmanager in test/compat/template.test.ts); the HTML
// email body carries the same information in our own, simpler layout.

const TEXT_TEMPLATES = `
{{- define "__alertmanager" }}Alertmanager{{ end }}

{{- /* Link to the receiver's alerts in the Alertmanager UI. */}}
{{- define "__alertmanagerURL" }}{{ .ExternalURL }}/#/alerts?receiver={{ urlquery .Receiver }}{{ end }}

{{- /*
  "[FIRING:2] <group label values> (<other common label values>)". The parenthesised part
  appears only when the alerts share labels beyond the grouping ones; a space separates it
  from the group values even when it is absent.
*/}}
{{- define "__subject" -}}
  [{{ toUpper .Status }}{{ if eq .Status "firing" }}:{{ len .Alerts.Firing }}{{ end }}]
  {{- " " }}{{ join " " .GroupLabels.SortedPairs.Values }}{{ " " }}
  {{- if lt (len .GroupLabels) (len .CommonLabels) -}}
    ({{ with .CommonLabels.Remove .GroupLabels.Names }}{{ join " " .Values }}{{ end }})
  {{- end -}}
{{- end }}

{{- define "__description" }}{{ end }}

{{- /* One block per alert: its labels, annotations and source link. */}}
{{- define "__text_alert_list" -}}
  {{ range . -}}
    Labels:{{ "\\n" }}
    {{- range .Labels.SortedPairs }}{{ printf " - %s = %s\\n" .Name .Value }}{{ end -}}
    Annotations:{{ "\\n" }}
    {{- range .Annotations.SortedPairs }}{{ printf " - %s = %s\\n" .Name .Value }}{{ end -}}
    Source: {{ .GeneratorURL }}{{ "\\n" }}
  {{- end -}}
{{- end }}

{{- define "slack.default.title" }}{{ template "__subject" . }}{{ end }}
{{- define "slack.default.username" }}{{ template "__alertmanager" . }}{{ end }}
{{- define "slack.default.fallback" }}{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}{{ end }}
{{- define "slack.default.callbackid" }}{{ end }}
{{- define "slack.default.pretext" }}{{ end }}
{{- define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{- define "slack.default.iconemoji" }}{{ end }}
{{- define "slack.default.iconurl" }}{{ end }}
{{- define "slack.default.text" }}{{ end }}
{{- define "slack.default.footer" }}{{ end }}

{{- define "email.default.subject" }}{{ template "__subject" . }}{{ end }}
`;

// The HTML body: a heading with the alert count and group, a link to Alertmanager, then one
// section per alert (firing first) with labels, annotations and source. Inline styles only,
// since mail clients drop <style> blocks.
const EMAIL_HTML = `
{{- define "__email_alert" -}}
<tr><td style="padding:12px 16px;border-top:1px solid #e5e5e5;">
<div style="font-weight:bold;margin-bottom:6px;">{{ .Labels.alertname }}</div>
<table style="border-collapse:collapse;font-size:13px;">
{{- range .Labels.SortedPairs }}
<tr><td style="padding:1px 12px 1px 0;color:#666;">{{ .Name }}</td><td style="padding:1px 0;">{{ .Value }}</td></tr>
{{- end }}
</table>
{{- if .Annotations }}
<div style="margin:8px 0 4px;font-weight:bold;font-size:13px;">Annotations</div>
<table style="border-collapse:collapse;font-size:13px;">
{{- range .Annotations.SortedPairs }}
<tr><td style="padding:1px 12px 1px 0;color:#666;">{{ .Name }}</td><td style="padding:1px 0;">{{ .Value }}</td></tr>
{{- end }}
</table>
{{- end }}
<div style="margin-top:6px;font-size:13px;"><a href="{{ .GeneratorURL }}" style="color:#1a73c8;">Source</a></div>
</td></tr>
{{- end }}

{{- define "email.default.html" -}}
<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width">
<title>{{ template "__subject" . }}</title>
</head>
<body style="margin:0;padding:16px;background:#f4f4f4;font-family:Helvetica,Arial,sans-serif;font-size:14px;color:#222;">
<table style="width:100%;max-width:640px;margin:0 auto;background:#fff;border:1px solid #ddd;border-collapse:collapse;">
<tr><td style="padding:16px;color:#fff;background:{{ if eq .Status "firing" }}#d9534f{{ else }}#4cae4c{{ end }};font-size:16px;">
{{- len .Alerts }} alert{{ if gt (len .Alerts) 1 }}s{{ end }} for
{{- range .GroupLabels.SortedPairs }} {{ .Name }}={{ .Value }}{{ end -}}
</td></tr>
<tr><td style="padding:12px 16px;"><a href="{{ template "__alertmanagerURL" . }}" style="color:#1a73c8;font-weight:bold;">View in {{ template "__alertmanager" . }}</a></td></tr>
{{- with .Alerts.Firing }}
<tr><td style="padding:12px 16px 4px;font-weight:bold;color:#d9534f;">[{{ len . }}] Firing</td></tr>
{{- range . }}
{{ template "__email_alert" . }}{{ end }}
{{- end }}
{{- with .Alerts.Resolved }}
<tr><td style="padding:12px 16px 4px;font-weight:bold;color:#4cae4c;">[{{ len . }}] Resolved</td></tr>
{{- range . }}
{{ template "__email_alert" . }}{{ end }}
{{- end }}
<tr><td style="padding:12px 16px;font-size:12px;color:#999;text-align:center;"><a href="{{ .ExternalURL }}" style="color:#999;">Sent by {{ template "__alertmanager" . }}</a></td></tr>
</table>
</body>
</html>
{{ end }}
`;

/** The default template definitions, parsed before any operator template file. */
export const DEFAULT_TEMPLATES = TEXT_TEMPLATES + EMAIL_HTML;
