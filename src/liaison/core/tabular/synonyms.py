"""Header names for the columns of a list of people, in English, Spanish, French and Portuguese.

Headers are compared by :func:`~liaison.core.tabular.values.header_key`, so case, accents,
spaces and punctuation need not be listed: “Apellido(s)” covers “APELLIDOS” and “apellido s”.
"""

from __future__ import annotations

PERSON_COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "family_name": (
        "Surname", "Last name", "Family name", "Family names", "Surnames", "Last names",
        "Apellido", "Apellido(s)", "Apellidos", "Primer apellido",
        "Nom", "Nom de famille", "Noms",
        "Sobrenome", "Sobrenomes", "Apelido", "Apelidos", "Último nome",
    ),
    "given_name": (
        "First name", "First names", "Given name", "Given name(s)", "Given names", "Forename",
        "Forenames", "Nombre", "Nombre(s)", "Nombres", "Prénom", "Prénom(s)", "Prénoms",
        "Nome", "Nomes", "Primeiro nome", "Nome próprio",
    ),
    "native_name": (
        "Native name", "Name in native script", "Name (native script)", "Native script",
        "Name in local script", "Local name", "Original name", "Nombre en escritura original",
        "Nombre original", "Nom en écriture originale", "Nom original", "Nome original",
        "Nome na escrita original",
    ),
    "gender": ("Gender", "Sex", "Sexo", "Sexe", "Género", "Genero", "Genre", "Gênero"),
    "birth_date": (
        "Birth date", "Date of birth", "DOB", "D.O.B.", "Birthdate", "Birthday", "Born",
        "Fecha de nacimiento", "F. nacimiento", "F. de nacimiento", "Fecha nacimiento",
        "Nacimiento", "Date de naissance", "Né(e) le", "Naissance",
        "Data de nascimento", "Data nascimento", "Nascimento",
    ),
    "nationality": (
        "Nationality", "Country", "Citizenship", "Country of citizenship", "País",
        "Nacionalidad", "Ciudadanía", "Nationalité", "Pays", "Citoyenneté", "Nacionalidade",
        "Cidadania",
    ),
    "passport_number": (
        "Passport", "Passport No.", "Passport No", "Passport number", "Passport #",
        "Pasaporte", "N° de pasaporte", "No. de pasaporte", "Número de pasaporte",
        "Núm. de pasaporte", "Nro. de pasaporte", "Passeport", "N° de passeport",
        "Numéro de passeport", "No de passeport", "Passaporte", "N° do passaporte",
        "Número do passaporte", "Nº de passaporte",
    ),
    "agency": (
        "Agency", "Organization", "Organisation", "Institution", "Ministry", "Department",
        "Institución", "Organismo", "Entidad", "Dependencia", "Agencia", "Agence",
        "Administration", "Organisme", "Órgão", "Instituição", "Organização", "Entidade",
    ),
    "position": (
        "Position", "Job title", "Title", "Rank", "Post", "Role", "Cargo", "Puesto", "Grado",
        "Rango", "Fonction", "Poste", "Grade", "Titre", "Função", "Posto", "Patente",
    ),
    "email": (
        "Email", "E-mail", "Email address", "E-mail address", "Mail", "Correo",
        "Correo electrónico", "Correo-e", "Courriel", "Adresse e-mail", "Adresse électronique",
        "Adresse courriel", "Endereço de e-mail", "Endereço eletrônico",
    ),
    "phone": (
        "Phone", "Phone number", "Telephone", "Telephone number", "Tel", "Tel.", "Mobile",
        "Mobile number", "Cell", "Cell phone", "Teléfono", "Celular", "Móvil", "Número de teléfono",
        "Téléphone", "Portable", "Numéro de téléphone", "Telefone", "Telemóvel",
        "Número de telefone",
    ),
}  # fmt: skip
