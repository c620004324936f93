using System.Text.Json;
using Lumenfall.Sdk.Http;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Transports.Fal;

/// <summary>Reading an app's output: the typed shape for the models the SDK ships, <c>images[]</c> or <c>image</c> for any other app.</summary>
internal sealed partial class FalTransport
{
    /// <summary>
    /// Reads an app's output: the typed shape for a model the SDK ships (anything else is an unexpected response),
    /// and for any other app whatever <c>images[]</c> or <c>image</c> it carries. The output itself is kept as
    /// <see cref="ImageGenerationResult.RawOutput"/>.
    /// </summary>
    private async Task<ImageGenerationResult> ReadOutputAsync(
        HttpResponseMessage response, string modelId, bool untyped, string? requestId, CallContext context, CancellationToken cancellationToken)
    {
        JsonDocument document;
        Stream stream = await ResponseBody.OpenAsync(response.Content, _channel.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            document = await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false);
        }

        using (document)
        {
            return ReadOutput(document.RootElement, modelId, untyped, requestId, context);
        }
    }

    /// <summary>
    /// The result a webhook delivery carries: its payload is the app's output, read as the queue's result would be.
    /// An <c>ERROR</c> becomes a failed snapshot; a payload that could not be sent (null) leaves the result to be fetched.
    /// </summary>
    public OperationSnapshot? FromWebhook(OperationState state, FalWebhookDelivery delivery)
    {
        switch (delivery.Status)
        {
            case FalWebhookStatus.Ok when delivery.Payload is JsonElement payload:
                try
                {
                    return new OperationSnapshot(ImageOperationStatus.Succeeded, "OK", Result: ReadOutput(payload, state.ModelId, state.Untyped, state.Id, new CallContext(string.Empty, _channel.Options.ApiKey)));
                }
                catch (Exception ex) when (ex is LumenfallException or JsonException)
                {
                    return new OperationSnapshot(ImageOperationStatus.Succeeded, "OK");   // the queue still has the result: it is fetched as usual
                }

            case FalWebhookStatus.Ok:
                return new OperationSnapshot(ImageOperationStatus.Succeeded, "OK");
            case FalWebhookStatus.Error:
                return new OperationSnapshot(ImageOperationStatus.Failed, "ERROR", Error: ErrorBody.Empty with { Message = delivery.Error ?? "fal reported an error in its webhook." });
            default:
                return null;
        }
    }

    private ImageGenerationResult ReadOutput(JsonElement root, string modelId, bool untyped, string? requestId, CallContext context)
    {
        bool typed = !untyped && ModelCatalog.TryGet(modelId, out ModelDescriptor? model) && model.Service == ImageService.Fal;
        FalOutput output;
        try
        {
            output = root.Deserialize(SdkJsonContext.Default.FalOutput) ?? throw new JsonException("The output is JSON null.");
        }
        catch (JsonException) when (!typed)
        {
            output = AnyOutput(root);
        }

        return ToResult(modelId, requestId, context, output, root.Clone(), requireImages: typed);
    }

    /// <summary>The images of an output whose other fields do not have the usual types: <c>images[]</c> of objects or URLs, or <c>image</c>.</summary>
    private static FalOutput AnyOutput(JsonElement root)
    {
        var images = new List<FalImage>();
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("images", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in list.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String || JsonText.Property(item, "url") is not null)
                {
                    images.Add(AnyImage(item));
                }
            }
        }

        return new FalOutput
        {
            Images = images,
            Image = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("image", out JsonElement single) && JsonText.Property(single, "url") is not null ? AnyImage(single) : null,
        };
    }

    private static FalImage AnyImage(JsonElement item) => item.ValueKind == JsonValueKind.String
        ? new FalImage { Url = JsonText.Read(item) }
        : new FalImage { Url = JsonText.Property(item, "url"), ContentType = JsonText.Property(item, "content_type"), FileName = JsonText.Property(item, "file_name") };

    private ImageGenerationResult ToResult(string modelId, string? requestId, CallContext context, FalOutput output, JsonElement raw, bool requireImages)
    {
        string clientRequestId = context.ClientRequestId;
        List<FalImage> images = [.. output.Images ?? [], .. output.Image is { } single ? [single] : Array.Empty<FalImage>()];
        var results = new List<GeneratedImage>(images.Count);
        for (int i = 0; i < images.Count; i++)
        {
            FalImage? image = images[i];
            if (image is null && requireImages)
            {
                throw WireImages.NullItem(Service, $"images[{i}]", requestId, clientRequestId);
            }

            if (string.IsNullOrEmpty(image?.Url))
            {
                continue;
            }

            bool? nsfw = output.HasNsfwConcepts is { } flags && i < flags.Count ? flags[i] : null;
            results.Add(ImageResults.Create(image.Url, null, Text(image.ContentType), null, _downloader,
                new ImageDetails(image.Width, image.Height, Text(image.FileName), image.FileSize, nsfw), Service,
                i < (output.Images?.Count ?? 0) ? $"images[{i}].url" : "image.url"));
        }

        if (results.Count == 0 && requireImages)
        {
            throw new LumenfallUpstreamException("fal returned an output without images.")
                .With<LumenfallException>(ServiceErrorDetails.Of(Service, requestId: requestId, clientRequestId: clientRequestId));
        }

        return new ImageGenerationResult(modelId, Service, results, requestId)
        {
            ClientRequestId = clientRequestId,
            Response = context.Info,
            Seed = output.Seed,
            Prompt = Text(output.Prompt),
            RawOutput = raw,
            Timings = output.Timings?
                .Where(t => t.Value.ValueKind == JsonValueKind.Number && t.Value.TryGetDouble(out _))
                .ToDictionary(t => t.Key, t => t.Value.GetDouble()),
        };
    }
}
