using Microsoft.Extensions.Http;

namespace Lumenfall.Sdk.Http;

/// <summary>
/// Runs after every configuration of an <see cref="IHttpClientFactory"/> client (the host's defaults, the SDK's
/// registration, handlers added through <c>LumenfallBuilder</c>) and, for the SDK's clients only, adds the
/// <see cref="ReplayGuardHandler"/> as the innermost handler, so it counts every send whatever was added where.
/// </summary>
internal sealed class SdkHandlerFilter : IHttpMessageHandlerBuilderFilter
{
    /// <summary>The prefix of every SDK client name.</summary>
    public const string ClientPrefix = "Lumenfall.Sdk";

    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        if (builder.Name?.StartsWith(ClientPrefix, StringComparison.Ordinal) == true)
        {
            builder.AdditionalHandlers.Add(new ReplayGuardHandler());
        }
    };
}
