using System.Text.Json;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Http;

/// <summary>What an error body said, whatever envelope it came in.</summary>
internal sealed record ErrorBody(string? Message, string? Code, string? Type, string? Param, IReadOnlyList<ValidationError> FieldErrors)
{
    public static readonly ErrorBody Empty = new(null, null, null, null, []);

    /// <summary>
    /// Reads the envelopes the three services use, in this order: <c>{"error":{message,type,code,param}}</c>
    /// (also <c>error.error_code</c>, or <c>error</c> as a string), a flat <c>error_code</c>, OmniRouters'
    /// <c>{code,message,data}</c>, and fal's <c>{detail:"…",error_type}</c> or <c>{detail:[{loc,msg,type}]}</c>.
    /// Never throws: a body that is not JSON becomes the message.
    /// </summary>
    public static ErrorBody Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return Empty;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object ? FromElement(document.RootElement) ?? Empty : Empty;
        }
        catch (JsonException)
        {
            return Empty with { Message = JsonText.Decode(body).Trim() };   // cut after redaction, by ServiceErrors.Create
        }
    }

    /// <summary>Reads an error from a JSON object, or null when it carries none.</summary>
    public static ErrorBody? FromElement(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (root.TryGetProperty("error", out JsonElement error) && FromErrorValue(error, Text(root, "error_code")) is ErrorBody nested)
        {
            return nested;
        }

        if (Text(root, "error_code") is string flatCode)
        {
            return new ErrorBody(Text(root, "message") ?? Text(root, "error_message"), flatCode, Text(root, "type"), Text(root, "param"), []);
        }

        if (root.TryGetProperty("detail", out JsonElement detail))
        {
            if (detail.ValueKind == JsonValueKind.Array)
            {
                List<ValidationError> fields = ReadFieldErrors(detail);
                string message = string.Join("; ", fields.Select(f => $"{f.ParameterName}: {f.Message}"));
                return new ErrorBody(message, Text(root, "error_type"), Text(root, "error_type"), fields.FirstOrDefault()?.ParameterName, fields);
            }

            return new ErrorBody(Text(root, "detail"), Text(root, "error_type"), Text(root, "error_type"), null, []);
        }

        if (Text(root, "code") is string code && Text(root, "message") is string codeMessage)
        {
            return new ErrorBody(codeMessage, code, null, null, []);
        }

        return null;
    }

    /// <summary>This error with the API key replaced by <c>***</c> in every text (a service may echo it back).</summary>
    public ErrorBody Redact(string? apiKey) => string.IsNullOrEmpty(apiKey)
        ? this
        : new ErrorBody(
            ServiceErrors.Redact(Message, apiKey), ServiceErrors.Redact(Code, apiKey), ServiceErrors.Redact(Type, apiKey), ServiceErrors.Redact(Param, apiKey),
            FieldErrors.Select(f => new ValidationError(ServiceErrors.Redact(f.ParameterName, apiKey)!, ServiceErrors.Redact(f.Rule, apiKey)!, ServiceErrors.Redact(f.Message, apiKey)!)).ToList());

    /// <summary>Reads the value of an <c>error</c> property: an object with message/type/code/param, or a string.</summary>
    public static ErrorBody? FromErrorValue(JsonElement error, string? flatCode) => error.ValueKind switch
    {
        JsonValueKind.Object => new ErrorBody(
            Text(error, "message"),
            Text(error, "code") ?? Text(error, "error_code") ?? flatCode,
            Text(error, "type"),
            Text(error, "param"),
            []),
        JsonValueKind.String when JsonText.Read(error) is { Length: > 0 } message => new ErrorBody(message, flatCode, null, null, []),
        _ => null,
    };

    private static List<ValidationError> ReadFieldErrors(JsonElement detail)
    {
        var errors = new List<ValidationError>();
        foreach (JsonElement item in detail.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            string location = "request";
            if (item.TryGetProperty("loc", out JsonElement loc) && loc.ValueKind == JsonValueKind.Array)
            {
                // FastAPI prefixes body fields with "body"; the caller knows the parameter by its own name.
                var parts = loc.EnumerateArray()
                    .Select(p => p.ValueKind switch
                    {
                        JsonValueKind.Number => $"[{p.GetRawText()}]",
                        JsonValueKind.String => JsonText.Read(p),
                        _ => "?",
                    })
                    .SkipWhile(p => p is "body" or "query")
                    .ToList();
                if (parts.Count > 0)
                {
                    location = string.Concat(parts.Select((p, i) => i == 0 || p.StartsWith('[') ? p : "." + p));
                }
            }

            errors.Add(new ValidationError(location, Text(item, "type") ?? "invalid", Text(item, "msg") ?? "is invalid"));
        }

        return errors;
    }

    private static string? Text(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }

        string? text = value.ValueKind switch
        {
            JsonValueKind.String => JsonText.Read(value),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        return string.IsNullOrEmpty(text) ? null : text;
    }
}
