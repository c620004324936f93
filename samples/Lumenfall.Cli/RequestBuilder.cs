using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Lumenfall.Sdk;

namespace Lumenfall.Cli;

/// <summary>
/// Builds a typed request record from command-line words: the model id picks the record (edit when images are
/// given and the model edits), and each <c>--param name=value</c> sets the property with that wire name, converted
/// to its type; a name the record does not have goes to <c>AdditionalProperties</c> (as JSON when it parses).
/// </summary>
internal static class RequestBuilder
{
    public const string OmniRoutersPrefix = "omnirouters/";

    public static ImageRequest Build(string model, string prompt, IReadOnlyList<string> images, string? mask, IReadOnlyList<string> parameters)
    {
        ImageRequest request;
        bool omniRouters = model.StartsWith(OmniRoutersPrefix, StringComparison.OrdinalIgnoreCase);
        if (omniRouters)
        {
            request = new OmniImageRequest(model[OmniRoutersPrefix.Length..], prompt);
        }
        else if (ModelCatalog.TryGet(model, out ModelDescriptor? descriptor) && descriptor.Service != ImageService.OmniRouters)
        {
            Type type = descriptor.RequestTypes.Count > 1 && (images.Count > 0 || mask is not null) ? descriptor.RequestTypes[1] : descriptor.RequestTypes[0];
            request = (ImageRequest)Activator.CreateInstance(type)!;
            Set(request, "prompt", prompt);
        }
        else
        {
            string known = string.Join(", ", ModelCatalog.All.Where(m => m.Service != ImageService.OmniRouters).Select(m => m.Id).Append("omnigen-v1").Append("omnirouters/<model>"));
            throw new CliUsageException($"Unknown model '{model}'. Use one of: {known}.");
        }

        if (images.Count > 0)
        {
            PropertyInfo property = ImageProperty(request)
                ?? throw new CliUsageException($"{request.ModelId} takes no input images.");
            property.SetValue(request, images.Select(Input).ToList());
        }

        if (mask is not null)
        {
            PropertyInfo property = request.GetType().GetProperty("Mask")
                ?? throw new CliUsageException($"{request.ModelId} takes no mask.");
            property.SetValue(request, Input(mask));
        }

        foreach (string parameter in parameters)
        {
            int equals = parameter.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliUsageException($"--param needs name=value (was '{parameter}').");
            }

            Set(request, parameter[..equals], parameter[(equals + 1)..]);
        }

        return request;
    }

    private static ImageInput Input(string text) =>
        text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
            ? ImageInput.FromUrl(text)
            : File.Exists(text) ? ImageInput.FromFile(text) : throw new CliUsageException($"No such image file: {text}");

    private static PropertyInfo? ImageProperty(ImageRequest request) =>
        request.GetType().GetProperties().FirstOrDefault(p => p.PropertyType == typeof(IList<ImageInput>));

    private static void Set(ImageRequest request, string wireName, string text)
    {
        PropertyInfo? property = request.GetType().GetProperties()
            .FirstOrDefault(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name == wireName);
        if (property is null)
        {
            request.AdditionalProperties[wireName] = ParseJson(text);
            return;
        }

        Type type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        try
        {
            object value = type == typeof(string) ? text
                : type == typeof(int) ? int.Parse(text, CultureInfo.InvariantCulture)
                : type == typeof(long) ? long.Parse(text, CultureInfo.InvariantCulture)
                : type == typeof(double) ? double.Parse(text, CultureInfo.InvariantCulture)
                : type == typeof(bool) ? bool.Parse(text)
                : type == typeof(IList<string>) ? text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList()
                : type.GetConstructor([typeof(string)]) is { } constructor ? constructor.Invoke([text])
                : throw new CliUsageException($"--param {wireName} cannot be set from the command line.");
            property.SetValue(request, value);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or TargetInvocationException { InnerException: ArgumentException or FormatException })
        {
            throw new CliUsageException($"--param {wireName}={text}: expected a {type.Name}.");
        }
    }

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
