"""certificate-generator: certificate.issued in, one PDF per certificate out (issue 25, ADR 0024).

``domain`` holds what a certificate document says and how its QR code is laid out (plain
Python), ``service_layer`` the use cases (:class:`~.service_layer.issuing.CertificateDocuments`
renders and stores, :class:`~.service_layer.directory.Directory` keeps the names and titles
events carry), ``adapters`` the PDF renderer, the object store and SQL, ``entrypoints`` the
owner's download API; ``__main__`` runs the consumer and the API in one process.
"""
