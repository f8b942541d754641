# The social-maturity image: the official Apache Airflow image plus this project, installed as a
# regular package (the `maturity` library, its console script and its Airflow plugin, which
# Airflow finds through the `airflow.plugins` entry point), with the project's DAGs baked in.
#
#   docker build -t social-maturity:latest .
#
# docker-compose.yml builds this file; the Helm chart route in docs/deployment.md uses the
# same image.
ARG AIRFLOW_VERSION=3.3.2
ARG PYTHON_VERSION=3.11
FROM apache/airflow:${AIRFLOW_VERSION}-python${PYTHON_VERSION}

ARG AIRFLOW_VERSION

# Where the project and its state live inside the container. MATURITY_HOME replaces the
# repository's var/; the landing directory for raw API pages is a named volume in
# docker-compose.yml, and creating it here gives a fresh volume the right owner.
ENV MATURITY_APP_DIR=/opt/maturity/app \
    MATURITY_HOME=/opt/maturity/var \
    MATURITY_LANDING_DIR=/opt/maturity/var/landing \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/maturity/app/dags

USER root
RUN mkdir -p "${MATURITY_APP_DIR}" "${MATURITY_LANDING_DIR}" \
    && chown -R airflow:0 /opt/maturity \
    && chmod -R g+rwX /opt/maturity
USER airflow

COPY --chown=airflow:0 . ${MATURITY_APP_DIR}

# Naming apache-airflow at the image's own version keeps pip from moving Airflow while it
# resolves the project's dependencies. (The project itself is a local path, so DL3013's
# "pin versions" does not apply to it.)
# hadolint ignore=DL3013
RUN pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" "${MATURITY_APP_DIR}" \
    && rm -rf "${MATURITY_APP_DIR}/build" \
    && python -c "import maturity"

WORKDIR /opt/airflow
