using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Lumenfall.Sdk;

namespace Lumenfall.Cli;

/// <summary>
/// Builds a request from command-line words. A model the SDK ships a record for gets its typed record (edit when
/// images are given and the model edits), and each <c>--param name=value</c> sets the property with that wire
/// name, converted to its type. Any other model is sent untyped: <c>fal-ai/&lt;app&gt;[/&lt;path&gt;]</c> as a
/// <see cref="FalAppRequest"/> (images go to <c>image_url</c>, or <c>image_urls</c> for several; a mask to
/// <c>mask_url</c>), <c>omnirouters/&lt;model&gt;</c> as an <see cref="OmniImageRequest"/>, anything else as a
/// <see cref="LumenfallModelRequest"/> for the gateway. A name the request does not type is sent as JSON when the
/// value parses as JSON (<c>5</c>, <c>true</c>, <c>{"a":1}</c>), as a string otherwise.
/// </summary>
internal static class RequestBuilder
{
    public const string OmniRoutersPrefix = ModelCatalog.OmniRoutersPrefix;

    public const string FalPrefix = ModelCatalog.FalPrefix;

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
            ImageMode mode = (images.Count > 0 || mask is not null) && descriptor.Modes.Contains(ImageMode.Edit) ? ImageMode.Edit : ImageMode.TextToImage;
            request = (ImageRequest)Activator.CreateInstance(descriptor.RequestType(mode))!;
            Set(request, "prompt", prompt);
        }
        else if (model.StartsWith(FalPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return FalApp(model, prompt, images, mask, parameters);
        }
        else
        {
            return GatewayModel(model, prompt, images, mask, parameters);
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

        foreach ((string name, string value) in Pairs(parameters))
        {
            Set(request, name, value);
        }

        return request;
    }

    private static FalAppRequest FalApp(string app, string prompt, IReadOnlyList<string> images, string? mask, IReadOnlyList<string> parameters)
    {
        var request = new FalAppRequest(app, new JsonObject { ["prompt"] = prompt });
        foreach ((string name, string value) in Pairs(parameters))
        {
            request.Input[name] = ParseJson(value);
        }

        if (images.Count == 1)
        {
            request.SetImage("image_url", Input(images[0]));
        }
        else if (images.Count > 1)
        {
            request.SetImages("image_urls", images.Select(Input));
        }

        return mask is null ? request : request.SetImage("mask_url", Input(mask));
    }

    private static LumenfallModelRequest GatewayModel(string model, string prompt, IReadOnlyList<string> images, string? mask, IReadOnlyList<string> parameters) =>
        new(model, prompt, Pairs(parameters).Select(p => KeyValuePair.Create(p.Name, ParseJson(p.Value))))
        {
            Images = images.Count == 0 ? null : images.Select(Input).ToList(),
            Mask = mask is null ? null : Input(mask),
        };

    private static IEnumerable<(string Name, string Value)> Pairs(IReadOnlyList<string> parameters)
    {
        foreach (string parameter in parameters)
        {
            int equals = parameter.IndexOf('=', StringComparison.Ordinal);
            yield return equals > 0 ? (parameter[..equals], parameter[(equals + 1)..]) : throw new CliUsageException($"--param needs name=value (was '{parameter}').");
        }
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
