using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Lumenfall.Sdk.Testing.Fakes;

/// <summary>What every fake needs to read a request and answer: the key check, JSON in and out, and OpenAI-style errors.</summary>
internal static class FakeHttp
{
    public static bool Authorized(HttpContext context, string scheme)
    {
        string header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith(scheme + " ", StringComparison.Ordinal) && header.Length > scheme.Length + 1;
    }

    public static async Task<JsonObject?> ReadJsonAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static Task ErrorAsync(HttpContext context, HttpStatusCode status, string message, string type, string code, string? param = null) =>
        JsonAsync(context, new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["code"] = code, ["param"] = param } }, status);

    public static Task Refuse(HttpContext context, HttpStatusCode status)
    {
        context.Response.StatusCode = (int)status;
        return Task.CompletedTask;
    }

    public static Task JsonAsync(HttpContext context, JsonObject body, HttpStatusCode? status = null)
    {
        if (status is HttpStatusCode code)
        {
            context.Response.StatusCode = (int)code;
        }

        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8, context.RequestAborted);
    }

    public static string? Text(JsonObject json, string name) =>
        json[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    public static long? Int(JsonObject json, string name) => json[name] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<long>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && long.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture, out long parsed) => parsed,
        _ => null,
    };
}
