# The cohort bot as a container. Build and run:
#   docker build -t cohortbot .
#   docker run -d --name cohortbot \
#     -v cohortbot-data:/data -v $PWD/config.toml:/config/config.toml:ro \
#     --secret / -e DISCORD_TOKEN_FILE=/run/secrets/discord_token ... cohortbot
# Set `database = "/data/cohort.db"` in config.toml so the database lives on the volume.
# Try it without Discord: docker run --rm -it cohortbot sandbox
FROM python:3.11-slim

RUN useradd --create-home --uid 10001 cohortbot
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY storage ./storage
COPY bench ./bench
COPY localdiscord ./localdiscord
COPY lessons ./lessons
# Editable, so the code stays in /app beside lessons/: `cohortbot sandbox` (the local Discord
# in localdiscord/ and a copy of lessons/) finds them there, as in a checkout.
RUN pip install --no-cache-dir -e . && mkdir /data && chown cohortbot /data

USER cohortbot
VOLUME ["/data"]
# `docker stop` sends SIGTERM: the bot stops its scheduler and closes the database.
STOPSIGNAL SIGTERM
ENTRYPOINT ["cohortbot"]
CMD ["run", "--config", "/config/config.toml"]
