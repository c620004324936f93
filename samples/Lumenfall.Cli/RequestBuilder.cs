using System.Text.Json;
using System.Text.Json.Nodes;
using Lumenfall.Sdk;

namespace Lumenfall.Cli;

/// <summary>
/// Builds a request from command-line words with <see cref="ModelCatalog.CreateRequest"/>: a model the SDK ships a
/// record for gets its typed record (edit when images are given and the model edits), <c>omnirouters/&lt;model&gt;</c>
/// an <see cref="OmniImageRequest"/>, another <c>fal-ai/&lt;app&gt;[/&lt;path&gt;]</c> a <see cref="FalAppRequest"/>
/// (images to <c>image_url</c>, or <c>image_urls</c> for several; a mask to <c>mask_url</c>), anything else a
/// <see cref="LumenfallModelRequest"/> for the gateway. Each <c>--param name=value</c> goes through
/// <see cref="ImageRequest.SetParameter"/>: a value that parses as JSON (<c>5</c>, <c>true</c>, <c>{"a":1}</c>) is
/// sent as JSON, other text as a string, and text for a typed text parameter as text (<c>--param user=123</c>).
/// </summary>
internal static class RequestBuilder
{
    public const string OmniRoutersPrefix = ModelCatalog.OmniRoutersPrefix;

    public const string FalPrefix = ModelCatalog.FalPrefix;

    public static ImageRequest Build(string model, string prompt, IReadOnlyList<string> images, string? mask, IReadOnlyList<string> parameters)
    {
        ImageRequest request = ModelCatalog.CreateRequest(model, prompt, [.. images.Select(Input)]);
        if (mask is not null)
        {
            SetMask(request, Input(mask));
        }

        foreach ((string name, string value) in Pairs(parameters))
        {
            Set(request, name, value);
        }

        return request;
    }

    private static void SetMask(ImageRequest request, ImageInput mask)
    {
        switch (request)
        {
            case FalAppRequest fal:
                fal.SetImage("mask_url", mask);
                break;
            case LumenfallModelRequest gateway:
                gateway.Mask = mask;
                break;
            case GptImage2EditRequest edit:
                edit.Mask = mask;
                break;
            default:
                throw new CliUsageException($"{request.ModelId} takes no mask{(request.Mode == ImageMode.Edit ? string.Empty : " without input images")}.");
        }
    }

    private static void Set(ImageRequest request, string wireName, string text)
    {
        JsonNode? value = ParseJson(text);
        try
        {
            request.SetParameter(wireName, value);
        }
        catch (LumenfallValidationException) when (value is not JsonValue parsed || parsed.GetValueKind() != JsonValueKind.String)
        {
            Retry(request, wireName, text);   // 123 or true for a parameter typed as text: the words as typed
        }
        catch (LumenfallValidationException ex) when (ex.Rule == ValidationRule.ParameterType)
        {
            throw new CliUsageException($"--param {wireName}={text}: {wireName} {ex.Errors[0].Message}.");
        }
    }

    private static void Retry(ImageRequest request, string wireName, string text)
    {
        try
        {
            request.SetParameter(wireName, JsonValue.Create(text));
        }
        catch (LumenfallValidationException ex) when (ex.Rule == ValidationRule.ParameterType)
        {
            throw new CliUsageException($"--param {wireName}={text}: {wireName} {ex.Errors[0].Message}.");
        }
    }

    /// <summary>The name=value pairs, each name once: a repeated name is refused rather than one value silently winning.</summary>
    private static List<(string Name, string Value)> Pairs(IReadOnlyList<string> parameters)
    {
        var pairs = new List<(string Name, string Value)>();
        foreach (string parameter in parameters)
        {
            int equals = parameter.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliUsageException($"--param needs name=value (was '{parameter}').");
            }

            (string name, string value) = (parameter[..equals], parameter[(equals + 1)..]);
            if (pairs.FirstOrDefault(p => p.Name == name) is { Name: not null } earlier)
            {
                throw new CliUsageException($"--param {name} is given twice ('{earlier.Value}' and '{value}'); give it once.");
            }

            pairs.Add((name, value));
        }

        return pairs;
    }

    private static ImageInput Input(string text) =>
        text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
            ? ImageInput.FromUrl(text)
            : File.Exists(text) ? ImageInput.FromFile(text) : throw new CliUsageException($"No such image file: {text}");

    private static JsonNode? ParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
