# The portal as a container: build with the .NET 10 SDK, run on the ASP.NET Core runtime image as a non-root user.
#   docker build -t onboarding-portal .
#   docker run -p 8080:8080 -e ConnectionStrings__Portal=... -e Database__Provider=Postgres ... onboarding-portal
# The vendor's brand assets are copied from wwwroot-assets/; mount another folder and set Brand__AssetsPath to rebrand
# without rebuilding.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Onboarding.sln ./
COPY Portal/Portal.csproj Portal/
RUN dotnet restore Portal/Portal.csproj -r linux-x64
COPY Portal/ Portal/
# ReadyToRun: precompiled code, so a new instance answers /health/ready sooner (see the README's startup figure).
RUN dotnet publish Portal/Portal.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
COPY wwwroot-assets/ ./wwwroot-assets/
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_NOLOGO=1
# The image's built-in unprivileged user; the SQLite default would write to /app/App_Data, so use PostgreSQL
# (or mount a volume there) in production.
USER $APP_UID
EXPOSE 8080
# No HEALTHCHECK here: the runtime image has no HTTP client; point the load balancer or orchestrator at
# GET /health/live (liveness) and GET /health/ready (database reachable, migrations applied).
ENTRYPOINT ["dotnet", "Portal.dll"]
