using System.Text.Json.Nodes;
using Lumenfall.Sdk;

namespace WebApi;

/// <summary>What <c>POST /images</c> takes: a model id, a prompt, and optional parameters by wire name.</summary>
/// <param name="Model">A catalog id or alias (<c>flux.2-dev</c>, <c>gpt-image-2</c>, <c>omnigen-v1</c>), or <c>omnirouters/&lt;model&gt;</c>.</param>
/// <param name="Prompt">The prompt.</param>
/// <param name="Parameters">Any other parameters, by their wire names (<c>size</c>, <c>n</c>, <c>output_format</c>, …).</param>
public sealed record ImagesRequest(string Model, string Prompt, JsonObject? Parameters = null);

/// <summary>One generated image: a URL, or the bytes as base64.</summary>
/// <param name="Url">The image's URL, when the service sent one.</param>
/// <param name="Base64">The image's bytes, when the service sent them.</param>
/// <param name="MediaType">The media type, when known.</param>
public sealed record ImageOut(string? Url, string? Base64, string? MediaType);

/// <summary>What <c>POST /images</c> returns.</summary>
/// <param name="Model">The model that ran.</param>
/// <param name="RequestId">The service's request id (give it to support).</param>
/// <param name="Images">The images.</param>
public sealed record ImagesResponse(string Model, string? RequestId, IReadOnlyList<ImageOut> Images);

/// <summary><c>POST /images</c>: builds the model's typed request, generates through the singleton <see cref="ImageClient"/>, and maps the SDK's typed failures to HTTP problems.</summary>
public static class ImageEndpoints
{
    /// <summary>Maps the endpoint.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static WebApplication MapImageEndpoints(this WebApplication app)
    {
        app.MapPost("/images", GenerateAsync);
        return app;
    }

    private static async Task<IResult> GenerateAsync(ImagesRequest body, ImageClient images, CancellationToken cancellationToken)
    {
        try
        {
            ImageRequest request = ModelCatalog.CreateRequest(body.Model, body.Prompt);
            foreach ((string name, JsonNode? value) in body.Parameters ?? [])
            {
                request.SetParameter(name, value?.DeepClone());
            }

            ImageGenerationResult result = await images.GenerateAsync(request, cancellationToken: cancellationToken);
            return Results.Ok(new ImagesResponse(
                result.ModelId,
                result.RequestId,
                [.. result.Images.Select(i => new ImageOut(i.Uri?.AbsoluteUri, i.Data is { } data ? Convert.ToBase64String(data.Span) : null, i.MediaType))]));
        }
        catch (LumenfallValidationException e)
        {
            return Results.ValidationProblem(
                e.Errors.GroupBy(x => x.ParameterName).ToDictionary(g => g.Key, g => g.Select(x => $"{x.Message} (rule: {x.Rule})").ToArray()),
                title: "The request breaks a rule of the model; nothing was sent.");
        }
        catch (ArgumentException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "The request is not usable.");
        }
        catch (LumenfallRateLimitException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status429TooManyRequests, title: "The image service is rate limiting.",
                extensions: Ids(e));
        }
        catch (LumenfallException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway, title: "The image service failed.", extensions: Ids(e));
        }
    }

    private static Dictionary<string, object?> Ids(LumenfallException e) => new()
    {
        ["requestId"] = e.RequestId,
        ["clientRequestId"] = e.ClientRequestId,
        ["operationId"] = e.OperationId,
        ["rehydrationToken"] = e.RehydrationToken,
    };
}
