using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lumenfall.Sdk.Http;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Transports.Lumenfall;

/// <summary>
/// The Lumenfall gateway (OpenAI-compatible, synchronous): JSON generations, multipart edits, models, model
/// schemas and dry-run cost estimates.
/// </summary>
internal sealed class LumenfallTransport(ServiceChannel channel, ImageDownloader downloader) : IImageTransport
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    public ImageService Service => ImageService.Lumenfall;

    public async Task<ImageGenerationResult> GenerateAsync(ImageRequest request, RequestOptions? options, CancellationToken cancellationToken)
    {
        LumenfallImageRequest lumenfall = AsLumenfall(request);
        using HttpRequestMessage message = await CreateImageRequestAsync(lumenfall, dryRun: false, cancellationToken).ConfigureAwait(false);
        return await channel.SendAsync(
            message,
            CallPurpose.Generation,
            options,
            (response, context, token) => ReadImagesAsync(response, context, lumenfall, options?.InlineImageFile, token),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<ImageOperation> StartAsync(ImageRequest request, RequestOptions? options, CancellationToken cancellationToken) =>
        new CompletedImageOperation(await GenerateAsync(request, options, cancellationToken).ConfigureAwait(false));

    public async Task<CostEstimate> EstimateCostAsync(LumenfallImageRequest request, RequestOptions? options, CancellationToken cancellationToken)
    {
        using HttpRequestMessage message = await CreateImageRequestAsync(request, dryRun: true, cancellationToken).ConfigureAwait(false);
        return await channel.SendAsync(message, CallPurpose.Read, options, async (response, context, token) =>
        {
            LumenfallCostEstimate body = await ResponseBody.ReadJsonAsync(response, SdkJsonContext.Default.LumenfallCostEstimate, channel.MaxResponseBytes, token).ConfigureAwait(false);
            return new CostEstimate(
                Text(body.Model),
                Text(body.Provider),
                body.TotalCostMicros ?? 0,
                Text(body.Currency),
                (body.Components ?? []).Select((c, i) => c is null
                    ? throw WireImages.NullItem(Service, $"components[{i}]", null, null)
                    : new CostComponent(Text(c.Type), Text(c.Metric), c.Quantity, c.BillableQuantity, c.UnitPrice, c.TotalCost)).ToList())
            {
                Response = context.Info,
            };
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ServiceModel>> ListModelsAsync(RequestOptions? options, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, channel.Url("models"));
        message.Headers.Accept.Add(Json);
        return await channel.SendAsync(message, CallPurpose.Read, options, async (response, _, token) =>
        {
            LumenfallModelList body = await ResponseBody.ReadJsonAsync(response, SdkJsonContext.Default.LumenfallModelList, channel.MaxResponseBytes, token).ConfigureAwait(false);
            return (IReadOnlyList<ServiceModel>)(body.Data ?? [])
                .Select((m, i) => m ?? throw WireImages.NullItem(Service, $"data[{i}]", null, null))
                .Where(m => !string.IsNullOrEmpty(m.Id))
                .Select(m => ToModel(m))
                .ToList();
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ServiceModel> GetModelAsync(string modelId, RequestOptions? options, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, channel.Url("models/" + EscapePath(modelId)));
        message.Headers.Accept.Add(Json);
        return await channel.SendAsync(message, CallPurpose.Read, options, async (response, context, token) =>
        {
            LumenfallModelData body = await ResponseBody.ReadJsonAsync(response, SdkJsonContext.Default.LumenfallModelData, channel.MaxResponseBytes, token).ConfigureAwait(false);
            return ToModel(string.IsNullOrEmpty(body.Id) ? new LumenfallModelData { Id = modelId, Created = body.Created, OwnedBy = body.OwnedBy, Name = body.Name, Description = body.Description, Extra = body.Extra } : body, context.Info);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<JsonDocument> GetModelSchemaAsync(string modelId, RequestOptions? options, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, channel.Url("models/" + EscapePath(modelId) + "?schema=true"));
        message.Headers.Accept.Add(Json);
        return await channel.SendAsync(message, CallPurpose.Read, options, async (response, _, token) =>
        {
            Stream stream = await ResponseBody.OpenAsync(response.Content, channel.MaxResponseBytes, token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonDocument.ParseAsync(stream, default, token).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private static LumenfallImageRequest AsLumenfall(ImageRequest request) =>
        request as LumenfallImageRequest
        ?? throw new ArgumentException($"{request.GetType().Name} is not a Lumenfall request.", nameof(request));

    private async Task<HttpRequestMessage> CreateImageRequestAsync(LumenfallImageRequest request, bool dryRun, CancellationToken cancellationToken)
    {
        bool edit = request.Mode == ImageMode.Edit;
        string path = (edit ? "images/edits" : "images/generations") + (dryRun ? "?dryRun=true" : string.Empty);
        var message = new HttpRequestMessage(HttpMethod.Post, channel.FixedUrl(path));
        message.Headers.Accept.Add(Json);
        try
        {
            message.Content = edit
                ? await CreateMultipartAsync(request, cancellationToken).ConfigureAwait(false)
                : CreateJson(request);
            return message;
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    /// <summary>The JSON body: <c>model</c> first, then the record's wire fields and additional properties.</summary>
    private static ByteArrayContent CreateJson(LumenfallImageRequest request)
    {
        var content = new ByteArrayContent(request.ToJsonBytes("model", request.WireModel));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    /// <summary>
    /// The multipart body: <c>model</c> and every set field as form fields (objects and arrays as JSON text), then
    /// one <c>image</c> part, or repeated <c>image[]</c> parts for several, then <c>mask</c>.
    /// </summary>
    private async Task<MultipartFormDataContent> CreateMultipartAsync(LumenfallImageRequest request, CancellationToken cancellationToken)
    {
        var form = new MultipartFormDataContent();
        try
        {
            AddField(form, "model", request.WireModel);
            foreach ((string name, JsonNode? value) in request.ToJsonObject())
            {
                AddField(form, name, FormValue(value));
            }

            foreach (FileParameter parameter in request.FileParameters)
            {
                IReadOnlyList<ImageInput> inputs = parameter.Inputs ?? [];
                bool brackets = parameter.IsList && inputs.Count > 1;
                for (int i = 0; i < inputs.Count; i++)
                {
                    string label = parameter.IsList ? $"{parameter.WireName}[{i}]" : parameter.WireName;
                    PreparedImage image = await PreparedImage.PrepareAsync(inputs[i], label, i, downloader, cancellationToken).ConfigureAwait(false);
                    if (parameter.MediaTypes.Count > 0 && !parameter.MediaTypes.Contains(image.MediaType, StringComparer.Ordinal))
                    {
                        // The bytes disagree with the name or declared type that passed validation: refuse before sending.
                        throw new LumenfallValidationException(
                            [new ValidationError(label, ValidationRule.MediaType, $"must be {string.Join(", ", parameter.MediaTypes)} (the image's bytes are {image.MediaType})")],
                            request.ModelId);
                    }

                    form.Add(image.CreateContent(), Quote(brackets ? parameter.WireName + "[]" : parameter.WireName), Quote(image.FileName));
                }
            }

            return form;
        }
        catch
        {
            form.Dispose();
            throw;
        }
    }

    private static void AddField(MultipartFormDataContent form, string name, string value)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(value));
        form.Add(content, Quote(name));
    }

    private static string Quote(string value) => "\"" + value.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string FormValue(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValueKind() == JsonValueKind.True ? "true" : "false",
        _ => value.ToJsonString(),
    };

    private async Task<ImageGenerationResult> ReadImagesAsync(HttpResponseMessage response, CallContext context, LumenfallImageRequest request, Func<int, string>? inlineFile, CancellationToken cancellationToken)
    {
        (LumenfallImagesResponse body, List<ReadOnlyMemory<byte>> decoded, List<string>? files) = await StreamingImagesReader.ReadAsync(
            response, LumenfallImagesResponse.Read, channel.MaxResponseBytes, cancellationToken, inlineFile).ConfigureAwait(false);
        try
        {
            return ToResult(response, context, request, body, decoded, files);
        }
        catch when (files is not null)
        {
            // An error inside the answer, or no images: no result points at the decoded files, so none stays behind.
            foreach (string file in files)
            {
                File.Delete(file);
            }

            throw;
        }
    }

    private ImageGenerationResult ToResult(HttpResponseMessage response, CallContext context, LumenfallImageRequest request, LumenfallImagesResponse body, List<ReadOnlyMemory<byte>> decoded, List<string>? files)
    {
        string? requestId = ServiceErrors.RequestIdFrom(response.Headers) ?? Text(body.Id);
        var details = ServiceErrorDetails.Of(Service, response.StatusCode, requestId, context.ClientRequestId);

        ErrorBody? error = body.Error is JsonElement element ? ErrorBody.FromErrorValue(element, Text(body.ErrorCode)) : null;
        if (error is null && Text(body.ErrorCode) is string flatCode && (body.Data is null || body.Data.Count == 0))
        {
            error = ErrorBody.Empty with { Code = flatCode };
        }

        if (error is not null)
        {
            throw ServiceErrors.Create(details with { RawBody = body.Error?.GetRawText() }, error, channel.Options.ApiKey);
        }

        List<GeneratedImage> images = WireImages.ToImages(Service, body.Data, Text(body.OutputFormat), downloader, decoded, files);
        if (images.Count == 0)
        {
            throw new LumenfallUpstreamException($"{Service} answered {(int)response.StatusCode} but returned no images.")
                .With<LumenfallException>(details);
        }

        LumenfallMetadata? metadata = body.Metadata;
        return new ImageGenerationResult(request.ModelId, Service, images, requestId)
        {
            ClientRequestId = context.ClientRequestId,
            Response = context.Info,
            Created = WireImages.UnixTime(body.Created),
            Size = Text(body.Size),
            OutputFormat = Text(body.OutputFormat),
            Usage = WireImages.ToUsage(body.Usage),
            ResponseModel = Text(metadata?.Model) ?? Header(response, "X-Lumenfall-Model"),
            ExecutedModel = Text(metadata?.ExecutedModel),
            Provider = Text(metadata?.Provider) ?? Header(response, "X-Lumenfall-Provider"),
            ProviderDisplayName = Text(metadata?.ProviderName),
            Cost = metadata?.Cost,
            CostCurrency = Text(metadata?.CostCurrency),
        };
    }

    private static ServiceModel ToModel(LumenfallModelData data, ResponseInfo? response = null) => new(data.Id!)
    {
        Response = response,
        Created = WireImages.UnixTime(data.Created),
        OwnedBy = Text(data.OwnedBy),
        Name = Text(data.Name),
        Description = Text(data.Description),
        AdditionalData = data.Extra?.Where(p => p.Key != "object").ToDictionary(p => p.Key, p => p.Value.Clone()) ?? [],
    };

    /// <summary>The model id as URL path segments; an id that could change the path (<c>..</c>, empty segments, control characters) is refused.</summary>
    private static string EscapePath(string modelId) =>
        ServerUrls.EscapePath(modelId)
        ?? throw new ArgumentException($"'{modelId}' is not a model id: empty segments, '.', '..' and control characters are refused.", nameof(modelId));

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? Text(values.FirstOrDefault()) : null;

    private static string? Text(string? value) => WireImages.Text(value);
}
