"""``edu deploy``: the deploy gates (Dockerfiles, rendered Kubernetes manifests, Terraform) and
the image builds with buildah (deploy/README.md, ADR 0021)."""

from edu.cli.deploy.command import deploy_app

__all__ = ["deploy_app"]
